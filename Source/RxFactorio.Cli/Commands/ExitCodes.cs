namespace RxFactorio.Cli.Commands;

/// <summary>The exit codes of every command.</summary>
internal static class ExitCodes
{
    /// <summary>Everything went well (validate: no line was rejected).</summary>
    public const int Ok = 0;

    /// <summary>A runtime failure (validate: some line was rejected).</summary>
    public const int Failure = 1;

    /// <summary>Usage, configuration or authentication error.</summary>
    public const int Usage = 2;
}
