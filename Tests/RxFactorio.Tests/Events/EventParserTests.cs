using RxFactorio.Diagnostics;
using RxFactorio.Events;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Events;

public sealed class EventParserTests
{
    [Test]
    public void Parse_SessionInit_KeepsIdTickAndLevel()
    {
        const string json = """{"type":"session_init","session_id":"freeplay_216000","tick":216000,"level_name":"freeplay"}""";

        var e = Parse.Line(json, out var diagnostics);

        Assert.That(e, Is.EqualTo(new SessionInit
        {
            Source = "test.jsonl", LineNumber = 1, SourceOffset = json.Length + 1, SessionId = "freeplay_216000", Tick = 216000, LevelName = "freeplay",
        }));
        Assert.That(diagnostics, Is.Empty);
    }

    [Test]
    public void Parse_StatsExampleFromTheContract_KeepsEveryField()
    {
        var e = (StatsEvent?)Parse.Line(
            """{"type":"stats","session_id":"freeplay_216000","cycle":1801,"tick":216120,"products_production":{"iron-ore":612.4,"iron-plate":468.75,"water":36000},"materials_consumption":{"iron-ore":468.75,"coal":210.5},"player":{"position":{"x":12.5,"y":-3},"surface":"nauvis","health":250},"screenshot_path":"screenshots/freeplay_216000/tick_216120.png"}""",
            out var diagnostics);

        Assert.That(e, Is.Not.Null);
        Assert.That(diagnostics, Is.Empty);
        Assert.That((e!.SessionId, e.Cycle, e.Tick, e.Surface), Is.EqualTo(("freeplay_216000", 1801L, 216120L, (string?)null)));
        Assert.That(e.Production, Is.EqualTo(new[] { new Measurement("iron-ore", 612.4), new Measurement("iron-plate", 468.75), new Measurement("water", 36000) }));
        Assert.That(e.Consumption, Is.EqualTo(new[] { new Measurement("iron-ore", 468.75), new Measurement("coal", 210.5) }));
        Assert.That(e.Player, Is.EqualTo(new PlayerState(12.5, -3, "nauvis", 250)));
        Assert.That(e.ScreenshotPath, Is.EqualTo("screenshots/freeplay_216000/tick_216120.png"));
        Assert.That(e.Metrics, Is.Empty);
    }

    [Test]
    public void Parse_StatsExtensions_SurfaceAndMetrics()
    {
        var e = (StatsEvent?)Parse.Line(
            """{"type":"stats","session_id":"s","cycle":3,"tick":360,"surface":"vulcanus","products_production":{},"materials_consumption":[],"metrics":{"power/produced_w":2.16e7,"evolution/nauvis":0.187}}""",
            out var diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That(e!.Surface, Is.EqualTo("vulcanus"));
        Assert.That(e.Metrics, Is.EqualTo(new[] { new Measurement("power/produced_w", 2.16e7), new Measurement("evolution/nauvis", 0.187) }));
        Assert.That(e.Production, Is.Empty);
        Assert.That(e.Consumption, Is.Empty);
    }

    [Test]
    public void Parse_GameEvent_KeepsNameAndExtraFieldsInOrder()
    {
        var e = (GameEvent?)Parse.Line(
            """{"type":"event","event_name":"on_built_entity","session_id":"freeplay_216000","tick":216250,"player_index":1,"entity":"inserter","position":{"x":1,"y":2},"surface":"nauvis"}""",
            out var diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That((e!.EventName, e.Tick), Is.EqualTo(("on_built_entity", 216250L)));
        Assert.That(e.Fields.Select(f => (f.Name, f.Json)), Is.EqualTo(new[]
        {
            ("player_index", "1"), ("entity", "\"inserter\""), ("position", """{"x":1,"y":2}"""), ("surface", "\"nauvis\""),
        }));
        Assert.That(e.Fields.Select(f => f.DisplayValue), Is.EqualTo(new[] { "1", "inserter", """{"x":1,"y":2}""", "nauvis" }));
    }

    [Test]
    public void Parse_AnyEventName_IsAccepted()
    {
        var e = (GameEvent?)Parse.Line("""{"tick":5,"session_id":"s","event_name":"on_custom_thing_42","type":"event"}""", out var diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That(e!.EventName, Is.EqualTo("on_custom_thing_42"));
        Assert.That(e.Fields, Is.Empty);
    }

    [Test]
    public void Parse_FieldsInAnyOrderAndUnknownNestedFields_AreAccepted()
    {
        var e = (StatsEvent?)Parse.Line(
            """{"extra":{"deep":[1,{"a":[2,3]},"x"]},"products_production":{"coal":1},"tick":240,"cycle":2,"future":null,"session_id":"s","type":"stats"}""",
            out var diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That((e!.Cycle, e.Tick, e.Production.Single().Name), Is.EqualTo((2L, 240L, "coal")));
    }

    [Test]
    public void Parse_NumbersWithLongMantissasExponentsAndHugeIntegers_AreRead()
    {
        var e = (StatsEvent?)Parse.Line(
            """{"type":"stats","session_id":"s","cycle":1,"tick":120,"products_production":{"a":2271.66666666666651508421637117862701416015625,"b":1.5E+3,"c":9007199254740993,"d":-2e-5,"e":123456789012345678901234567890}}""",
            out var diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That(e!.Production.Select(m => m.Value), Is.EqualTo(new[] { 2271.6666666666665, 1500, 9007199254740992d, -2e-5, 1.2345678901234568E+29 }));
    }

    [Test]
    public void Parse_EscapedNames_AreUnescaped()
    {
        var e = (StatsEvent?)Parse.Line(
            """{"ty\u0070e":"st\u0061ts","session_id":"caf\u00e9 \"1\" \ud83d\ude80","cycle":1,"tick":120,"products_production":{"iron\u002dplate":1,"iron-plate":2}}""",
            out var diagnostics);

        Assert.That(diagnostics, Is.Empty);
        Assert.That(e!.SessionId, Is.EqualTo("café \"1\" 🚀"));
        Assert.That(e.Production.Select(m => m.Name), Is.EqualTo(new[] { "iron-plate", "iron-plate" }));
    }

    [Test]
    public void Parse_RepeatedNames_AreInternedToOneString()
    {
        var (events, _) = Parse.Text(
            """
            {"type":"stats","session_id":"sess","cycle":1,"tick":120,"products_production":{"iron-plate":1}}
            {"type":"stats","session_id":"sess","cycle":2,"tick":240,"products_production":{"iron-plate":2}}
            """);
        var a = (StatsEvent)events[0];
        var b = (StatsEvent)events[1];

        Assert.That(ReferenceEquals(a.SessionId, b.SessionId), Is.True);
        Assert.That(ReferenceEquals(a.Production[0].Name, b.Production[0].Name), Is.True);
    }

    [Test]
    public void Parse_BadMetricValues_DropOnlyThoseValues()
    {
        var e = (StatsEvent?)Parse.Line(
            """{"type":"stats","session_id":"s","cycle":1,"tick":120,"products_production":{"ok":1,"str":"12","nul":null,"obj":{"a":1},"inf":1e400,"ok2":2},"metrics":{"bool":true,"m":3}}""",
            out var diagnostics);

        Assert.That(e!.Production.Select(m => m.Name), Is.EqualTo(new[] { "ok", "ok2" }));
        Assert.That(e.Metrics.Select(m => m.Name), Is.EqualTo(new[] { "m" }));
        Assert.That(diagnostics.Select(d => d.Reason), Is.All.EqualTo(DiagnosticReason.BadMetricValue));
        Assert.That(diagnostics.Select(d => d.Detail).ToList(), Has.Count.EqualTo(5)
            .And.Some.Contains("products_production['str']")
            .And.Some.Contains("products_production['inf']")
            .And.Some.Contains("metrics['bool']"));
        Assert.That(diagnostics.Select(d => d.Severity), Is.All.EqualTo(DiagnosticSeverity.PartDropped));
    }

    [Test]
    public void Parse_BadOptionalFields_AreIgnoredAndReported()
    {
        var e = (StatsEvent?)Parse.Line(
            """{"type":"stats","session_id":"s","cycle":1,"tick":120,"surface":5,"player":"me","screenshot_path":[1],"products_production":[1,2]}""",
            out var diagnostics);

        Assert.That(e, Is.Not.Null);
        Assert.That((e!.Surface, e.Player, e.ScreenshotPath), Is.EqualTo(((string?)null, (PlayerState?)null, (string?)null)));
        Assert.That(diagnostics.Select(d => d.Reason).ToList(), Has.Count.EqualTo(4).And.All.EqualTo(DiagnosticReason.BadOptionalField));
    }

    [Test]
    public void Parse_UnknownType_IsSkippedAndCounted()
    {
        var e = Parse.Line("""{"type":"telemetry_v9","session_id":"s","tick":1}""", out var diagnostics);

        Assert.That(e, Is.Null);
        Assert.That(diagnostics.Single().Reason, Is.EqualTo(DiagnosticReason.UnknownEventType));
        Assert.That(diagnostics.Single().Severity, Is.EqualTo(DiagnosticSeverity.Skipped));
        Assert.That(diagnostics.Single().Detail, Does.Contain("telemetry_v9"));
    }

    [TestCase("""{"type":"stats","session_id":"s","cycle":1,"tick":""", DiagnosticReason.InvalidJson, "truncated JSON")]
    [TestCase("""\x00\x01garbage""", DiagnosticReason.InvalidJson, "garbage")]
    [TestCase("""{"type":"stats","session_id":"s","cycle":1,"tick":1,"products_production":{"a":NaN}}""", DiagnosticReason.InvalidJson, "NaN token")]
    [TestCase("""{"type":"stats","session_id":"s","cycle":1,"tick":1} {"x":1}""", DiagnosticReason.InvalidJson, "two values")]
    [TestCase("""{'type':'stats'}""", DiagnosticReason.InvalidJson, "single quotes")]
    [TestCase("""[1,2,3]""", DiagnosticReason.NotAnObject, "array")]
    [TestCase("""42""", DiagnosticReason.NotAnObject, "number")]
    [TestCase("""{"session_id":"s","tick":1}""", DiagnosticReason.MissingField, "no type")]
    [TestCase("""{"type":7,"session_id":"s","tick":1}""", DiagnosticReason.WrongFieldType, "numeric type")]
    [TestCase("""{"type":"stats","tick":1,"cycle":0}""", DiagnosticReason.MissingField, "no session id")]
    [TestCase("""{"type":"stats","session_id":12,"tick":1,"cycle":0}""", DiagnosticReason.WrongFieldType, "numeric session id")]
    [TestCase("""{"type":"stats","session_id":"s","cycle":0}""", DiagnosticReason.MissingField, "no tick")]
    [TestCase("""{"type":"stats","session_id":"s","tick":"12","cycle":0}""", DiagnosticReason.WrongFieldType, "string tick")]
    [TestCase("""{"type":"stats","session_id":"s","tick":1.5,"cycle":0}""", DiagnosticReason.WrongFieldType, "fractional tick")]
    [TestCase("""{"type":"stats","session_id":"s","tick":-1,"cycle":0}""", DiagnosticReason.WrongFieldType, "negative tick")]
    [TestCase("""{"type":"stats","session_id":"s","tick":99999999999999999999,"cycle":0}""", DiagnosticReason.WrongFieldType, "tick above 2^63")]
    [TestCase("""{"type":"stats","session_id":"s","tick":1}""", DiagnosticReason.MissingField, "no cycle")]
    [TestCase("""{"type":"stats","session_id":"s","tick":1,"cycle":null}""", DiagnosticReason.WrongFieldType, "null cycle")]
    [TestCase("""{"type":"event","session_id":"s","tick":1}""", DiagnosticReason.MissingField, "no event name")]
    [TestCase("""{"type":"event","session_id":"s","tick":1,"event_name":{}}""", DiagnosticReason.WrongFieldType, "object event name")]
    [TestCase("""{"type":"stats","session_id":"s","tick":1,"cycle":0,"x":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}""", DiagnosticReason.NestingTooDeep, "deep nesting")]
    public void Parse_InvalidLine_IsRejectedWithReasonSourceAndLine(string json, DiagnosticReason reason, string why)
    {
        var (events, diagnostics) = Parse.Text("{\"type\":\"session_init\",\"session_id\":\"a\",\"tick\":0}\n" + json.Replace("\\x00\\x01", "\u0001\u0002") + "\n");

        Assert.That(events, Has.Count.EqualTo(1), why);
        Assert.That(diagnostics, Has.Count.EqualTo(1), why);
        var d = diagnostics[0];
        Assert.That((d.Reason, d.Source, d.LineNumber), Is.EqualTo((reason, "test.jsonl", 2L)), $"{why}: {d}");
        Assert.That(d.Severity, Is.EqualTo(DiagnosticSeverity.Rejected));
        Assert.That(d.Detail, Is.Not.Empty);
    }

    [Test]
    public void Parse_InvalidUtf8_IsRejected()
    {
        byte[] bytes = [.. "{\"type\":\"session_init\",\"session_id\":\""u8, 0xC3, 0x28, .. "\",\"tick\":0}\n"u8];

        var (events, diagnostics) = Parse.Bytes(bytes);

        Assert.That(events, Is.Empty);
        Assert.That(diagnostics.Single().Reason, Is.EqualTo(DiagnosticReason.InvalidUtf8));
    }

    [Test]
    public void Parse_LeadingByteOrderMark_IsIgnored()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "{\"type\":\"session_init\",\"session_id\":\"a\",\"tick\":0}\n"u8];

        var (events, diagnostics) = Parse.Bytes(bytes);

        Assert.That(events.Single().SessionId, Is.EqualTo("a"));
        Assert.That(diagnostics, Is.Empty);
    }

    [Test]
    public void Parse_LongLineDiagnostic_CarriesOnlyAShortExcerpt()
    {
        var json = "{\"type\":\"stats\",\"session_id\":\"" + new string('x', 20_000) + "\",\"tick\":1}";

        Parse.Line(json, out var diagnostics);

        Assert.That(diagnostics.Single().Reason, Is.EqualTo(DiagnosticReason.MissingField));
        Assert.That(diagnostics.Single().Excerpt.Length, Is.LessThanOrEqualTo(IngestDiagnostic.MaxExcerptChars + 1));
        Assert.That(diagnostics.Single().ToString(), Does.StartWith("test.jsonl:1: MissingField: field 'cycle' is missing"));
    }
}
