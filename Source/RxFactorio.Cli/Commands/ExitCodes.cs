namespace RxFactorio.Cli.Commands;

/// <summary>The exit codes of every command.</summary>
internal static class ExitCodes
{
    /// <summary>Everything went well: run/replay delivered every accepted row (rejected lines are reported, not a failure); validate: no line was rejected.</summary>
    public const int Ok = 0;

    /// <summary>A runtime failure: a row not delivered, a run not finished, a disk error (validate: some line was rejected).</summary>
    public const int Failure = 1;

    /// <summary>Usage, configuration or authentication error.</summary>
    public const int Usage = 2;
}
