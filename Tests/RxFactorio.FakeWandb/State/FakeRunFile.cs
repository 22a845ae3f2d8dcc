namespace RxFactorio.FakeWandb.State;

/// <summary>A run file as uploaded to the fake's storage port: its latest bytes and how often it was PUT.</summary>
/// <param name="Name">The file's name in the run, e.g. <c>wandb-metadata.json</c>.</param>
/// <param name="Content">The bytes of the latest upload.</param>
/// <param name="Uploads">How many PUTs it got (a re-upload replaces the content).</param>
public sealed record FakeRunFile(string Name, byte[] Content, int Uploads)
{
    /// <summary>The content as UTF-8 text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Content);
}
