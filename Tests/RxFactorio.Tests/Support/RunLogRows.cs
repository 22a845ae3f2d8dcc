using RxFactorio.RunLog;

namespace RxFactorio.Tests.Support;

/// <summary>Reads how far a run log that a child process is still writing has got.</summary>
internal static class RunLogRows
{
    /// <summary>The rows in a run log that is being written; -1 while it is too new to read.</summary>
    public static int In(string logFile)
    {
        try
        {
            return RunLogReader.Read(logFile).History.Count;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return -1;
        }
    }
}
