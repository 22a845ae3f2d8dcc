namespace RxFactorio.Cli.Hosting;

/// <summary>Where a person looks at a run: the W&amp;B app for the public cloud, the server itself otherwise.</summary>
internal static class RunUrls
{
    public static string For(Uri baseUrl, string? entity, string? project, string runId)
    {
        var app = baseUrl.Host == "api.wandb.ai" ? new Uri("https://wandb.ai") : baseUrl;
        return $"{app.GetLeftPart(UriPartial.Authority)}/{Uri.EscapeDataString(entity ?? "-")}/{Uri.EscapeDataString(project ?? "-")}/runs/{runId}";
    }
}
