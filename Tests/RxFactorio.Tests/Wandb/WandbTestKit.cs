using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using RxFactorio.Runs;
using RxFactorio.Sinks;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

/// <summary>Builders shared by the W&amp;B tests: virtual clock, fake server, options, runs, rows.</summary>
internal static class WandbTestKit
{
    public const string ApiKey = "local-0123456789abcdef0123456789abcdef01234567";

    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static WandbOptions Options(Func<WandbOptions, WandbOptions>? change = null)
    {
        var options = new WandbOptions { BaseUrl = new Uri("https://wandb.test") };
        return change is null ? options : change(options);
    }

    public static (WandbConnection Connection, FakeWandbHandler Handler, FakeTimeProvider Time) Connect(WandbOptions? options = null)
    {
        var handler = new FakeWandbHandler();
        var time = new FakeTimeProvider(Start);
        var connection = WandbConnection.Create(options ?? Options(), new WandbCredentials(ApiKey), null, time, handler);
        return (connection, handler, time);
    }

    public static RunInfo Run(string runId = "abc123xy", string session = "freeplay_216000") => new()
    {
        RunId = runId,
        DisplayName = session + "_42",
        Key = new RunKey("test", session, 1),
        LevelName = "freeplay",
        StartTick = 216000,
    };

    public static HistoryRow Row(long step, params (string Key, double Value)[] values) =>
        new(step, 216000 + (step * 120), step * 2.0, Start.AddSeconds(step), [.. values.Select(v => new KeyValuePair<string, double>(v.Key, v.Value))]);

    public static LogBatch Batch(RunInfo run, IEnumerable<HistoryRow> rows, IEnumerable<string>? log = null, IEnumerable<(string, double)>? summary = null) => new()
    {
        Run = run,
        Rows = [.. rows],
        LogLines = [.. log ?? []],
        Summary = [.. (summary ?? []).Select(s => new KeyValuePair<string, double>(s.Item1, s.Item2))],
    };
}
