using Microsoft.Extensions.Logging;

namespace RxFactorio.Sources;

/// <summary>Log messages of the byte sources.</summary>
internal static partial class SourceLog
{
    [LoggerMessage(1, LogLevel.Information, "Created named pipe {Path}")]
    public static partial void FifoCreated(ILogger logger, string path);

    [LoggerMessage(2, LogLevel.Debug, "Reading named pipe {Path}")]
    public static partial void FifoOpened(ILogger logger, string path);

    [LoggerMessage(10, LogLevel.Information, "Waiting for {Path} to appear")]
    public static partial void WaitingForFile(ILogger logger, string path);

    [LoggerMessage(11, LogLevel.Information, "Following {Path} from offset {Offset}")]
    public static partial void Following(ILogger logger, string path, long offset);

    [LoggerMessage(12, LogLevel.Warning, "{Path} was truncated (length {Length} < position {Offset}); reading again from the start, with line numbers from 1")]
    public static partial void Truncated(ILogger logger, string path, long length, long offset);

    [LoggerMessage(13, LogLevel.Information, "{Path} was replaced by a new file; finished the old one at offset {Offset}, reading the new one from the start")]
    public static partial void Replaced(ILogger logger, string path, long offset);

    [LoggerMessage(14, LogLevel.Information, "Resuming {Path} at checkpoint offset {Offset}")]
    public static partial void Resumed(ILogger logger, string path, long offset);

    [LoggerMessage(15, LogLevel.Warning, "{Path} was rewritten in place (its bytes before offset {Offset} are not those read before); reading the new content from the start, with line numbers from 1")]
    public static partial void Rewritten(ILogger logger, string path, long offset);

    [LoggerMessage(20, LogLevel.Debug, "Finished reading {Name}")]
    public static partial void StreamEnded(ILogger logger, string name);

    [LoggerMessage(21, LogLevel.Debug, "Closed {Name}")]
    public static partial void Closed(ILogger logger, string name);

    [LoggerMessage(30, LogLevel.Information, "Listening for datagrams on {Name} (bound {Address})")]
    public static partial void UdpListening(ILogger logger, string name, string address);
}
