using System.Collections.Immutable;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxFactorio.Runs;
using RxFactorio.Sinks;

namespace RxFactorio.Batching;

/// <summary>Rx operators that turn one run's events into the commands a sink carries out.</summary>
public static class RunBatchingExtensions
{
    /// <summary>
    /// Turns one run into its commands: <see cref="StartRun"/> at once, then a <see cref="LogBatch"/> of
    /// the rows and log lines completed in each turn of the scheduler (at most <see cref="RunOptions.MaxBatchRows"/>,
    /// split under <see cref="RunOptions.MaxBatchBytes"/>, never empty), so every completed row goes to the
    /// run log at once, not after a window (the <c>Buffer</c> of what is sent to W&amp;B is the shipper's);
    /// and when the run ends, its last batch and then <see cref="FinishRun"/>.
    /// </summary>
    /// <param name="run">The run, as <see cref="RunGroupingExtensions.GroupIntoRuns"/> hands it out.</param>
    /// <param name="options">The same options the runs were grouped with.</param>
    /// <param name="scheduler">The scheduler of batch windows; the one the events are observed on.</param>
    public static IObservable<RunCommand> ToCommands(this RunGroup run, RunOptions? options, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(scheduler);
        options ??= new RunOptions();
        options.Validate();

        return Observable.Create<RunCommand>(observer =>
        {
            var context = run.Context;
            observer.OnNext(new StartRun { Run = context.Info, Resumed = run.Resumed, Mark = context.OpenMark() });
            return Updates(run, options, scheduler)
                .BufferPerTurn(options.MaxBatchRows, scheduler)
                .Subscribe(
                    updates =>
                    {
                        // NOTE: only the last batch of a split carries the mark: before it, part of what
                        // the run stage has taken in is not in the log yet.
                        var batches = ToBatches(context, updates, options.MaxBatchBytes).ToList();
                        context.Batched();
                        batches[^1] = batches[^1] with { Mark = context.Mark() };
                        foreach (var batch in batches)
                        {
                            observer.OnNext(batch);
                        }
                    },
                    observer.OnError,
                    () =>
                    {
                        observer.OnNext(new FinishRun { Run = context.Info, Reason = context.EndReason, Mark = context.Mark() });
                        observer.OnCompleted();
                    });
        });
    }

    /// <summary>The run's rows and log lines; the pending row is released when no stats of its cycle came for a batch window.</summary>
    private static IObservable<RunUpdate> Updates(RunGroup run, RunOptions options, IScheduler scheduler) =>
        Observable.Create<RunUpdate>(observer =>
        {
            var context = run.Context;
            var rows = context.Rows;
            var downsampler = new Downsampler(options.Every);
            // NOTE: until an update is in a batch, the lines it came from must not fall behind the
            // source's checkpoint (another run's batch may reach the log first): the run tells where
            // the source stood before each event or flush that released updates, and before the rows
            // the downsampler holds.
            var releasing = default(SourcePosition);
            SourcePosition? group = null;
            // Where the source stood before what the next apply or flush of the row assembler releases.
            void NoteReleasing() => releasing = rows.HeldSince ?? rows.Last;
            void Release(RunUpdate update, SourcePosition since)
            {
                context.Released(since);
                observer.OnNext(update);
            }
            Action<HistoryRow> rowDone = row =>
            {
                var since = group ??= releasing;
                downsampler.Add(RunUpdate.For(row), update => Release(update, since));
                group = downsampler.IsHolding ? group : null;
                context.Grouped(group);
            };
            Action<string> logLine = line => Release(RunUpdate.For(line), releasing);
            Action<string> errorLine = line => Release(RunUpdate.ForError(line), releasing);
            var settle = new SerialDisposable();
            var armed = false;
            var lastStats = DateTimeOffset.MinValue;
            // NOTE: one timer per pending row, not one per stats line: a replay at max speed would
            // otherwise leave a cancelled timer per line in the scheduler's queue for a whole window.
            // When it fires early (more stats came), it re-arms for the rest of the window.
            void Settle(TimeSpan after) => settle.Disposable = scheduler.Schedule(after, () =>
            {
                var quiet = scheduler.Now - lastStats;
                if (quiet < options.BatchWindow && rows.HasPendingRow)
                {
                    Settle(options.BatchWindow - quiet);
                    return;
                }
                armed = false;
                NoteReleasing();
                rows.Flush(scheduler.Now, rowDone);
            });
            var subscription = run.Subscribe(
                e =>
                {
                    NoteReleasing();
                    rows.Apply(e, scheduler.Now, rowDone, logLine, errorLine);
                    if (e is Events.StatsEvent && rows.HasPendingRow)
                    {
                        lastStats = scheduler.Now;
                        if (!armed)
                        {
                            armed = true;
                            Settle(options.BatchWindow);
                        }
                    }
                },
                observer.OnError,
                () =>
                {
                    settle.Dispose();
                    NoteReleasing();
                    rows.Flush(scheduler.Now, rowDone);
                    var since = group ?? releasing;
                    downsampler.Flush(update => Release(update, since));
                    context.Grouped(null);
                    observer.OnCompleted();
                });
            return new CompositeDisposable(subscription, settle);
        });

    private static IEnumerable<LogBatch> ToBatches(RunContext context, IList<RunUpdate> updates, int maxBytes)
    {
        var rows = ImmutableArray.CreateBuilder<HistoryRow>();
        var lines = ImmutableArray.CreateBuilder<string>();
        var errors = ImmutableHashSet.CreateBuilder<int>();
        var bytes = 0;
        long rowBytes = 0;
        foreach (var update in updates)
        {
            var estimate = update.EstimatedBytes;
            if (bytes > 0 && bytes + estimate > maxBytes)
            {
                yield return Batch(context, rows, lines, errors, rowBytes);
                bytes = 0;
                rowBytes = 0;
            }
            bytes += estimate;
            if (update.Row is { } row)
            {
                rows.Add(row);
                rowBytes += estimate;
            }
            else
            {
                if (update.IsError)
                {
                    errors.Add(lines.Count);
                }
                lines.Add(update.LogLine!);
            }
        }
        yield return Batch(context, rows, lines, errors, rowBytes);
    }

    /// <summary>Whether two rows have the same keys in the same order (compared as instances first: the run stage interns its keys).</summary>
    private static bool SameKeys(HistoryRow a, HistoryRow b)
    {
        var x = a.Values.AsSpan();
        var y = b.Values.AsSpan();
        if (x.Length != y.Length)
        {
            return false;
        }
        for (var i = 0; i < x.Length; i++)
        {
            if (!ReferenceEquals(x[i].Key, y[i].Key) && !string.Equals(x[i].Key, y[i].Key, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    private static LogBatch Batch(RunContext context, ImmutableArray<HistoryRow>.Builder rows, ImmutableArray<string>.Builder lines, ImmutableHashSet<int>.Builder errors, long rowBytes)
    {
        // NOTE: when every row has the last row's keys in the same order (the usual batch), the last row
        // alone gives the summary the same values and key order as every row one after another.
        var start = rows.Count > 0 && rows.All(row => SameKeys(row, rows[^1])) ? rows.Count - 1 : 0;
        for (var i = start; i < rows.Count; i++)
        {
            foreach (var (key, value) in rows[i].Values)
            {
                context.Summary[key] = value;
            }
        }
        var batch = new LogBatch
        {
            Run = context.Info,
            Rows = rows.ToImmutable(),
            LogLines = lines.ToImmutable(),
            ErrorLines = errors.ToImmutable(),
            Summary = context.Summary.ToImmutableArray(),
            RowBytes = rowBytes,
        };
        rows.Clear();
        lines.Clear();
        errors.Clear();
        return batch;
    }
}
