using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

public sealed class SecretRedactorTests
{
    private const string Key = "0123456789abcdef0123456789abcdef01234567";

    [Test]
    public void RedactArguments_MasksSecretOptionValuesAndKeyShapedText_KeepsTheRest()
    {
        var args = SecretRedactor.RedactArguments(
        [
            "replay", "/home/me/recordings/two-sessions.jsonl",
            "--api-key", "short",
            "--token=abc",
            "--notes", $"run with {Key} by mistake",
            $"WANDB_API_KEY={Key}",
            "--password", "--tags", "fle",
        ]);

        Assert.That(args, Is.EqualTo(new[]
        {
            "replay", "/home/me/recordings/two-sessions.jsonl",
            "--api-key", "[redacted]",
            "--token=[redacted]",
            "--notes", "run with [redacted] by mistake",
            "WANDB_API_KEY=[redacted]",
            "--password", "--tags", "fle",
        }));
    }
}
