using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Events;

/// <summary>#11.1: a lone UTF-16 surrogate escape is a rejected line with its number, and the lines after it still arrive.</summary>
public sealed class LoneSurrogateTests
{
    private const string Good = """{"type":"stats","session_id":"s","cycle":2,"tick":240,"products_production":{"iron-plate":1}}""";

    [TestCase("""{"type":"stats","session_id":"\ud800","cycle":1,"tick":120}""", TestName = "session id (a name interned after unescaping)")]
    [TestCase("""{"type":"session_init","session_id":"s","tick":0,"level_name":"\udc00x"}""", TestName = "level name")]
    [TestCase("""{"type":"event","session_id":"s","tick":5,"event_name":"on_\ud800built"}""", TestName = "event name")]
    [TestCase("""{"type":"event","session_id":"s","tick":5,"event_name":"x","item":"\udfff"}""", TestName = "a game event's free field")]
    [TestCase("""{"type":"stats","session_id":"s","cycle":1,"tick":120,"products_production":{"iron\ud83d":1}}""", TestName = "item name (a high surrogate without its pair)")]
    [TestCase("""{"type":"stats","session_id":"s","cycle":1,"tick":120,"metrics":{"\udc00":1}}""", TestName = "metric name")]
    [TestCase("""{"type":"stats","session_id":"s","cycle":1,"tick":120,"screenshot_path":"a\ud800"}""", TestName = "screenshot path")]
    [TestCase("""{"type":"\ud800","session_id":"s","tick":1}""", TestName = "unknown type name")]
    [TestCase("""{"type":"stats","session_id":"s","cycle":1,"tick":120,"\ud800":1}""", TestName = "an unknown field's name")]
    public void LoneSurrogate_IsARejectedLineWithItsNumber_AndTheNextLineArrives(string bad)
    {
        var (events, diagnostics) = Parse.Text(bad + "\n" + Good + "\n");

        var diagnostic = diagnostics.Single();
        Assert.That((diagnostic.Reason, diagnostic.LineNumber, diagnostic.Source), Is.EqualTo((DiagnosticReason.LoneSurrogate, 1L, "test.jsonl")));
        Assert.That(diagnostic.Detail, Does.Contain("lone UTF-16 surrogate"));
        Assert.That(diagnostic.Severity, Is.EqualTo(DiagnosticSeverity.Rejected));
        Assert.That(events.Cast<StatsEvent>().Single().Cycle, Is.EqualTo(2));
    }

    [Test]
    public void LoneSurrogate_InAnItemNameTheMapPredicted_IsRejectedToo()
    {
        // The second line's first name is read through the name-prediction path (the same
        // bytes as the line before), its second through the name table; both must be checked.
        var lines = string.Join("\n",
            """{"type":"stats","session_id":"s","cycle":1,"tick":120,"products_production":{"iron-plate":1,"aé":2}}""",
            """{"type":"stats","session_id":"s","cycle":2,"tick":240,"products_production":{"iron-plate":1,"a\ud800":2}}""",
            """{"type":"stats","session_id":"s","cycle":3,"tick":360,"products_production":{"iron-plate":1,"aé":2}}""") + "\n";

        var (events, diagnostics) = Parse.Text(lines);

        Assert.That(diagnostics.Select(d => (d.LineNumber, d.Reason)), Is.EqualTo(new[] { (2L, DiagnosticReason.LoneSurrogate) }));
        Assert.That(events.Cast<StatsEvent>().Select(e => e.Cycle), Is.EqualTo(new[] { 1L, 3L }));
        Assert.That(events.Cast<StatsEvent>().Last().Production.Select(m => m.Name), Is.EqualTo(new[] { "iron-plate", "aé" }));
    }

    [TestCase("""{"type":"stats","session_id":"a\ud83d\ude00b","cycle":1,"tick":120}""", "a😀b", TestName = "a surrogate pair")]
    [TestCase("""{"type":"stats","session_id":"a\\ud800","cycle":1,"tick":120}""", "a\\ud800", TestName = "an escaped backslash before u")]
    [TestCase("""{"type":"stats","session_id":"\\\\\ud83d\ude00","cycle":1,"tick":120}""", "\\\\😀", TestName = "backslashes then a pair")]
    public void ValidEscapes_AreNotMistakenForLoneSurrogates(string line, string sessionId)
    {
        var (events, diagnostics) = Parse.Text(line + "\n");

        Assert.That(diagnostics, Is.Empty);
        Assert.That(events.Single().SessionId, Is.EqualTo(sessionId));
    }
}
