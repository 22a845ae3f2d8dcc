namespace RxFactorio.FakeWandb.Validation;

/// <summary>
/// Name checks from docs/wandb-protocol.md §6. The run-id and project rules are the SDK's (validate_run_id, validate_project);
/// the server's own checks are not established, so this fake infers that it rejects the same names with
/// 400 (not retried by the client, docs/wandb-protocol.md §4). Tag and jobType limits are the server's own (issues #4208, #6402).
/// </summary>
internal static class NameRules
{
    private const string ForbiddenRunIdChars = ":;,#?/'";
    private const string ForbiddenProjectChars = "/\\#?%:";

    public static string? RunIdError(string name)
    {
        if (name.Length == 0 || string.IsNullOrWhiteSpace(name))
        {
            return "run id must not be empty or whitespace";
        }

        if (name.Trim() != name)
        {
            return $"invalid run id '{name}': leading or trailing whitespace";
        }

        return name.IndexOfAny(ForbiddenRunIdChars.ToCharArray()) >= 0
            ? $"invalid run id '{name}': must not contain any of {ForbiddenRunIdChars}"
            : null;
    }

    public static string? ProjectError(string project)
    {
        if (project.Length > 128)
        {
            return $"invalid project name '{project}': longer than 128 characters";
        }

        return project.IndexOfAny(ForbiddenProjectChars.ToCharArray()) >= 0
            ? $"invalid project name '{project}': must not contain any of {ForbiddenProjectChars}"
            : null;
    }

    public static string? TagError(string tag) =>
        tag.Length is < 1 or > 64 ? $"invalid tag '{tag}'. must be between 1 and 64 characters" : null;

    public static string? JobTypeError(string jobType) =>
        jobType.Length > 64 ? $"invalid job type '{jobType}'. must be at most 64 characters" : null;
}
