using RxFactorio.RunLog;

namespace RxFactorio.Tests.RunLog;

/// <summary>Writes records into an in-memory LevelDB-framed log and reads them back.</summary>
internal static class LogFiles
{
    public static byte[] Write(IEnumerable<byte[]> records)
    {
        using var stream = new MemoryStream();
        using (var writer = new LevelDbLogWriter(stream, leaveOpen: true))
        {
            foreach (var record in records)
            {
                writer.Append(record);
            }
        }
        return stream.ToArray();
    }

    public static (List<LogRecord> Records, LogReadReport Report) Read(byte[] file)
    {
        using var reader = new LevelDbLogReader(new MemoryStream(file));
        var records = reader.ReadRecords().ToList();
        return (records, reader.Report);
    }
}
