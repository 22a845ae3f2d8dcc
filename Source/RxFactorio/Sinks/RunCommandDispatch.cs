namespace RxFactorio.Sinks;

/// <summary>Calls the handler for a command's kind: the one switch the sinks share.</summary>
internal static class RunCommandDispatch
{
    public static void Dispatch(this RunCommand command, Action<StartRun> start, Action<LogBatch> batch, Action<FinishRun> finish)
    {
        switch (command)
        {
            case StartRun s:
                start(s);
                break;
            case LogBatch b:
                batch(b);
                break;
            case FinishRun f:
                finish(f);
                break;
            default:
                throw new ArgumentException($"Unknown run command {command.GetType().Name}.", nameof(command));
        }
    }
}
