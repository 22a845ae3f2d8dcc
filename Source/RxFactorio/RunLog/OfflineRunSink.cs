using RxFactorio.Sinks;

namespace RxFactorio.RunLog;

/// <summary>
/// A sink that writes every run to disk in W&amp;B's offline layout, for <c>wandb sync</c> or
/// <c>rxfactorio sync</c> to upload later: a <c>.wandb</c> transaction log per run plus
/// <c>files/</c> (config.yaml, wandb-summary.json, output.log). A resumed run continues in its
/// existing folder and log. Disk failures (full disk, no permission) fail the command with an
/// <see cref="IOException"/> naming the path; nothing is retried.
/// </summary>
public sealed class OfflineRunSink : IRunSink, IDisposable
{
    private readonly OfflineRunSinkOptions _options;
    private readonly RunLogWriterOptions _writerOptions;
    private readonly Dictionary<string, RunFolder> _folders = [];
    private readonly List<string> _directories = [];
    private readonly Dictionary<string, RunLogWriter> _open = [];
    private readonly Lock _gate = new();

    /// <summary>Creates the sink; nothing is written before the first run starts.</summary>
    /// <param name="options">The root directory and the rest.</param>
    public OfflineRunSink(OfflineRunSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Layout = new OfflineLayout(options.RootDirectory, options.TimeZone);
        _writerOptions = new RunLogWriterOptions { Entity = options.Entity, Project = options.Project, Durable = options.Durable };
    }

    /// <summary>The layout runs are written in.</summary>
    public OfflineLayout Layout { get; }

    /// <summary>Every run folder this sink has written to, in the order first used (for "runs are in …, upload them with <c>rxfactorio sync …</c>").</summary>
    public IReadOnlyList<string> RunDirectories
    {
        get
        {
            lock (_gate)
            {
                return [.. _directories];
            }
        }
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(RunCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                command.Dispatch(Start, Log, Finish);
            }
            return ValueTask.CompletedTask;
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    /// <summary>Closes the logs of runs that were not finished (they stay resumable; <c>wandb sync</c> would mark them failed).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var writer in _open.Values)
            {
                writer.Dispose();
            }
            _open.Clear();
        }
    }

    private DateTimeOffset Now => _options.Clock?.Now ?? DateTimeOffset.UtcNow;

    private void Start(StartRun start)
    {
        var run = start.Run;
        OfflineLayout.ValidateRunId(run.RunId);
        if (_open.ContainsKey(run.RunId))
        {
            return;
        }
        var folder = start.Resumed ? _folders.GetValueOrDefault(run.RunId) ?? Layout.FindRunFolder(run.RunId) : null;
        RunLogWriter writer;
        if (folder is not null && File.Exists(folder.LogFile))
        {
            writer = RunLogWriter.Resume(folder.LogFile, _writerOptions);
            if (SyncedMarker.IsSynced(folder.LogFile))
            {
                // NOTE: the log gets new records; RunLogAck says what of it W&B already has.
                SyncedMarker.Clear(folder.LogFile);
            }
        }
        else
        {
            var now = Now;
            folder = Layout.CreateRunFolder(run.RunId, now);
            writer = RunLogWriter.Create(folder.LogFile, _writerOptions);
            try
            {
                writer.WriteRun(run, now);
                writer.Flush();
                RunFiles.WriteConfig(folder, run.Config);
            }
            catch
            {
                writer.Dispose();
                throw;
            }
            Layout.PointLatestRunAt(folder);
        }
        _open[run.RunId] = writer;
        if (_folders.TryAdd(run.RunId, folder))
        {
            _directories.Add(folder.Path);
        }
    }

    private void Log(LogBatch batch)
    {
        var writer = Writer(batch);
        var folder = _folders[batch.Run.RunId];
        foreach (var row in batch.Rows)
        {
            writer.WriteHistory(row);
        }
        if (batch.LogLines.Length > 0)
        {
            var now = Now;
            foreach (var line in batch.LogLines)
            {
                writer.WriteOutput(line, now);
            }
        }
        IReadOnlyList<KeyValuePair<string, string>>? summary = null;
        if (batch.Rows.Length > 0 || batch.Summary.Length > 0)
        {
            summary = writer.WriteSummary(batch.Summary);
        }
        writer.Flush();
        RunFiles.AppendOutput(folder, batch.LogLines);
        if (summary is not null)
        {
            RunFiles.WriteSummary(folder, summary);
        }
    }

    private void Finish(FinishRun finish)
    {
        var writer = Writer(finish);
        writer.WriteExit(0);
        writer.WriteFinal();
        writer.Flush();
        _open.Remove(finish.Run.RunId);
        writer.Dispose();
    }

    private RunLogWriter Writer(RunCommand command) =>
        _open.GetValueOrDefault(command.Run.RunId)
        ?? throw new InvalidOperationException($"Run {command.Run.RunId} got a {command.GetType().Name} before its StartRun (or after its FinishRun).");
}
