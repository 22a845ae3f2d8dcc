using System.Globalization;
using System.Text;
using CsCheck;

namespace RxFactorio.Tests.Properties;

/// <summary>Generators of lines a hostile or broken writer might send, and of whole streams of them.</summary>
internal static class HostileLines
{
    public static readonly string[] ReservedKeys = ["_step", "_runtime", "_timestamp", "_wandb", "_x", "tick", "screenshot"];

    /// <summary>Names: ordinary, odd, any UTF-16 code units (controls, lone surrogates, bidi), and known troublemakers.</summary>
    public static readonly Gen<string> Name = Gen.Frequency(
        (5, Gen.OneOf("iron-plate", "coal", "water", "aé", "😀", "a b", "a/b/../c", "", "\\", "\"q\"", "events/on_built_entity")),
        (2, Gen.String[Gen.Char.AlphaNumeric, 1, 8]),
        (2, Gen.Char.Array[1, 6].Select(chars => new string(chars))),
        (1, Gen.OneOf("\ud800", "\udc00x", "a\ud83d", "x\n y", "\u001b[31m", "\u0085", "\u2028", "\u202e", "\r")));

    public static readonly Gen<string> Key = Gen.Frequency((8, Name), (1, Gen.OneOf(ReservedKeys)));

    public static readonly Gen<string> NumberText = Gen.Frequency(
        (6, Gen.Double[-1e6, 1e6].Select(JsonText.Number)),
        (2, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("1e999", "-1e999", "123456789012345678901234567890", "2271.66666666666651508421637117862701416015625", "-0", "0.0", "1E+2", "5e-324")));

    public static readonly Gen<string> Nested = Gen.Int[1, 90].Select(depth => new string('[', depth) + new string(']', depth));

    public static readonly Gen<string> ValueText = Gen.Frequency(
        (8, NumberText),
        (1, Gen.OneOf("\"12\"", "null", "true", "{}", "[]", "\"\\ud800\"")),
        (1, Nested));

    public static readonly Gen<string> Map = Gen.Frequency(
        (8, Gen.Select(Key, ValueText).Array[0, 6].Select(JsonText.Object)),
        (1, Gen.OneOf("[]", "\"x\"", "null", "[1,2]")));

    public static readonly Gen<(string Cycle, string Tick)> CycleAndTick = Gen.Frequency(
        (8, Gen.Long[0, 100_000].Select(t => ((t / 120).ToString(CultureInfo.InvariantCulture), t.ToString(CultureInfo.InvariantCulture)))),
        (1, Gen.Select(Gen.Long, Gen.Long[0, long.MaxValue]).Select(p => (p.Item1.ToString(CultureInfo.InvariantCulture), p.Item2.ToString(CultureInfo.InvariantCulture)))),
        (1, Gen.OneOf(("9223372036854775807", "240"), ("\"7\"", "840"), ("1.5", "180"), ("-1", "0"), ("99999999999999999999", "0"))));

    public static readonly Gen<string> Stats =
        Gen.Select(Name, CycleAndTick, Map, Map, Map, Gen.Select(Key, Gen.Frequency((3, ValueText), (1, Name.Select(JsonText.Quote)))).Array[0, 2])
            .Select(s => JsonText.Object(
                new[]
                {
                    ("type", "\"stats\""), ("session_id", JsonText.Quote(s.Item1)), ("cycle", s.Item2.Cycle), ("tick", s.Item2.Tick),
                    ("products_production", s.Item3), ("materials_consumption", s.Item4), ("metrics", s.Item5),
                }.Concat(s.Item6)));

    public static readonly Gen<string> GameEvent =
        Gen.Select(Name, Name, Gen.Long[0, 100_000], Gen.Select(Name, Gen.Frequency((2, Name.Select(JsonText.Quote)), (1, ValueText))).Array[0, 3])
            .Select(e => JsonText.Object(
                new[] { ("type", "\"event\""), ("event_name", JsonText.Quote(e.Item1)), ("session_id", JsonText.Quote(e.Item2)), ("tick", e.Item3.ToString(CultureInfo.InvariantCulture)) }
                    .Concat(e.Item4)));

    public static readonly Gen<string> SessionInit =
        Gen.Select(Name, Gen.Long[0, 100_000], Name)
            .Select(i => $$"""{"type":"session_init","session_id":{{JsonText.Quote(i.Item1)}},"tick":{{i.Item2}},"level_name":{{JsonText.Quote(i.Item3)}}}""");

    public static readonly Gen<string> WellFormed = Gen.Frequency((5, Stats), (3, GameEvent), (1, SessionInit));

    /// <summary>One line's bytes (no terminator): well-formed JSON, or garbage, a truncated line, a BOM, not an object, deep nesting, a blank.</summary>
    public static readonly Gen<byte[]> Line = Gen.Frequency(
        (12, WellFormed.Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Byte.Array[1, 40].Select(bytes => bytes.Select(b => b == (byte)'\n' ? (byte)'x' : b).ToArray())),
        (1, Gen.Select(WellFormed, Gen.Double[0, 1]).Select(t => Encoding.UTF8.GetBytes(t.Item1)[..(int)(Encoding.UTF8.GetByteCount(t.Item1) * t.Item2)])),
        (1, WellFormed.Select(json => new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(json)).ToArray())),
        (1, Gen.OneOf("[]", "42", "\"s\"", "{}", "{\"type\":\"stats\"}", "{\"type\":\"warp\",\"session_id\":\"s\",\"tick\":1}", "{\"a\":1} {", "", "   \t").Select(Encoding.UTF8.GetBytes)),
        (1, Nested.Select(n => Encoding.UTF8.GetBytes($$"""{"type":"stats","session_id":"s","cycle":1,"tick":120,"x":{{n}}}"""))));

    /// <summary>A stream of lines with LF or CRLF terminators (the last one maybe without), and the chunk size it is read in.</summary>
    public static readonly Gen<(byte[][] Lines, bool[] Crlf, bool LastTerminated, int ChunkSize)> Stream =
        Gen.Select(Line.Array[0, 25], Gen.Bool.Array[25], Gen.Bool, Gen.Int[1, 700]);

    public static byte[] Join(byte[][] lines, bool[] crlf, bool lastTerminated)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < lines.Length; i++)
        {
            bytes.AddRange(lines[i]);
            if (i < lines.Length - 1 || lastTerminated)
            {
                bytes.AddRange(crlf[i] ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
            }
        }
        return [.. bytes];
    }

    /// <summary>Whether the framer skips this line as blank (only spaces, tabs and CRs).</summary>
    public static bool IsBlank(byte[] line) => line.AsSpan().IndexOfAnyExcept(" \t\r"u8) < 0;

    public static string Describe(byte[][] lines) =>
        string.Join("\n", lines.Select(l => Encoding.UTF8.GetString(l).Replace("\n", "\\n", StringComparison.Ordinal)));
}
