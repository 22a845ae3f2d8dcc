using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using RxFactorio.Diagnostics;
using RxFactorio.Framing;

namespace RxFactorio.Events;

/// <summary>
/// Parses one line into an owned <see cref="FactorioEvent"/> with <see cref="Utf8JsonReader"/>,
/// allocating nothing per line beyond the event itself once names are interned. A line it
/// cannot accept yields <c>null</c> and one diagnostic; it never throws for bad input.
/// Not thread-safe: use one parser per source.
/// </summary>
public sealed partial class EventParser
{
    private const int StackNameBytes = 256;

    private readonly NameTable _names = new();
    private readonly JsonReaderOptions _readerOptions;
    private readonly IObserver<IngestDiagnostic>? _diagnostics;
    private readonly List<Measurement> _production = [];
    private readonly List<Measurement> _consumption = [];
    private readonly List<Measurement> _metrics = [];
    private readonly List<string> _invalidProduction = [];
    private readonly List<string> _invalidConsumption = [];
    private readonly List<string> _invalidMetrics = [];
    private readonly List<RawField> _extraFields = [];
    private readonly NamePrediction _productionNames = new();
    private readonly NamePrediction _consumptionNames = new();
    private readonly NamePrediction _metricNames = new();
    private readonly List<(DiagnosticReason Reason, string Detail)> _partsDropped = [];

    /// <summary>Creates a parser.</summary>
    /// <param name="options">Parse options; <c>null</c> uses the defaults.</param>
    public EventParser(ParseOptions? options = null)
    {
        options ??= new ParseOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDepth, 2, nameof(options));
        _readerOptions = new JsonReaderOptions { MaxDepth = options.MaxDepth, CommentHandling = JsonCommentHandling.Disallow };
        _diagnostics = options.Diagnostics;
    }

    /// <summary>Parses one line.</summary>
    /// <param name="line">The line; its bytes are only read during this call.</param>
    /// <returns>The event, or <c>null</c> when the line was rejected or skipped (a diagnostic says why).</returns>
    public FactorioEvent? Parse(in Line line)
    {
        var bytes = line.Bytes;
        if (bytes.IsSingleSegment)
        {
            return Parse(bytes.FirstSpan, line);
        }
        var length = checked((int)bytes.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            bytes.CopyTo(rented);
            return Parse(rented.AsSpan(0, length), line);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private FactorioEvent? Parse(ReadOnlySpan<byte> json, in Line line)
    {
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }
        if (!Utf8.IsValid(json))
        {
            return Reject(DiagnosticReason.InvalidUtf8, "line is not valid UTF-8", json, line);
        }
        if (SurrogateEscapes.FindLone(json) is var lone and >= 0)
        {
            var escape = Encoding.UTF8.GetString(json.Slice(lone, Math.Min(6, json.Length - lone)));
            return Reject(DiagnosticReason.LoneSurrogate, $"the escape '{escape}' at byte {lone + 1} is a lone UTF-16 surrogate, which no Unicode text can hold", json, line);
        }
        _production.Clear();
        _consumption.Clear();
        _metrics.Clear();
        _invalidProduction.Clear();
        _invalidConsumption.Clear();
        _invalidMetrics.Clear();
        _extraFields.Clear();
        _partsDropped.Clear();

        var fields = new LineFields();
        var reader = new Utf8JsonReader(json, _readerOptions);
        try
        {
            if (!reader.Read())
            {
                return Reject(DiagnosticReason.InvalidJson, "line holds no JSON value", json, line);
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return Reject(DiagnosticReason.NotAnObject, $"line is a JSON {Describe(reader.TokenType)}, not an object", json, line);
            }
            ReadTopLevel(ref reader, ref fields);
            if (reader.Read())
            {
                return Reject(DiagnosticReason.InvalidJson, "unexpected data after the JSON object", json, line);
            }
        }
        catch (JsonException ex)
        {
            return reader.CurrentDepth >= _readerOptions.MaxDepth - 1 && ex.Message.Contains("depth", StringComparison.Ordinal)
                ? Reject(DiagnosticReason.NestingTooDeep, $"JSON nests deeper than {_readerOptions.MaxDepth} levels", json, line)
                : Reject(DiagnosticReason.InvalidJson, JsonErrorDetail(ex), json, line);
        }
        return Build(ref fields, json, line);
    }

    private void ReadTopLevel(ref Utf8JsonReader reader, ref LineFields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                fields.Type = ReadEventType(ref reader, ref fields);
            }
            else if (reader.ValueTextEquals("session_id"u8))
            {
                reader.Read();
                fields.SessionIdState = ReadRequiredString(ref reader, out fields.SessionId);
            }
            else if (reader.ValueTextEquals("tick"u8))
            {
                reader.Read();
                fields.TickState = ReadCount(ref reader, out fields.Tick);
            }
            else if (reader.ValueTextEquals("event_name"u8))
            {
                reader.Read();
                fields.EventNameState = ReadRequiredString(ref reader, out fields.EventName);
            }
            else
            {
                ReadOtherField(ref reader, ref fields);
            }
        }
    }

    private void ReadOtherField(ref Utf8JsonReader reader, ref LineFields fields)
    {
        var name = InternValue(ref reader);
        reader.Read();
        var valueStart = (int)reader.TokenStartIndex;
        switch (name)
        {
            case "cycle":
                fields.CycleState = ReadCount(ref reader, out fields.Cycle);
                break;
            case "level_name":
                fields.LevelName = ReadOptionalString(ref reader, name);
                break;
            case "surface":
                fields.Surface = ReadOptionalString(ref reader, name);
                break;
            case "screenshot_path":
                fields.ScreenshotPath = reader.TokenType == JsonTokenType.String ? reader.GetString() : ReadOptionalString(ref reader, name);
                break;
            case "products_production":
                fields.ProductionUnreadable = !ReadMeasurements(ref reader, name, _production, _invalidProduction, _productionNames);
                break;
            case "materials_consumption":
                fields.ConsumptionUnreadable = !ReadMeasurements(ref reader, name, _consumption, _invalidConsumption, _consumptionNames);
                break;
            case "metrics":
                ReadMeasurements(ref reader, name, _metrics, _invalidMetrics, _metricNames);
                break;
            case "player":
                fields.Player = ReadPlayer(ref reader);
                break;
            default:
                reader.Skip();
                break;
        }
        _extraFields.Add(new RawField(name, valueStart, (int)reader.BytesConsumed));
    }

    private static EventType ReadEventType(ref Utf8JsonReader reader, ref LineFields fields)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return EventType.WrongType;
        }
        if (reader.ValueTextEquals("stats"u8))
        {
            return EventType.Stats;
        }
        if (reader.ValueTextEquals("event"u8))
        {
            return EventType.GameEvent;
        }
        if (reader.ValueTextEquals("session_init"u8))
        {
            return EventType.SessionInit;
        }
        fields.UnknownTypeName = reader.GetString();
        return EventType.Unknown;
    }

    private static FieldState ReadCount(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return FieldState.WrongType;
        }
        return reader.TryGetInt64(out value) && value >= 0 ? FieldState.Present : FieldState.WrongType;
    }

    private FieldState ReadRequiredString(ref Utf8JsonReader reader, out string? value)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            value = InternValue(ref reader);
            return FieldState.Present;
        }
        reader.Skip();
        value = null;
        return FieldState.WrongType;
    }

    private string? ReadOptionalString(ref Utf8JsonReader reader, string name)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return InternValue(ref reader);
            case JsonTokenType.Null:
                return null;
            default:
                reader.Skip();
                DropPart(DiagnosticReason.BadOptionalField, $"field '{name}' must be a string; ignored");
                return null;
        }
    }

    private string InternValue(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return _names.Intern(reader.ValueSpan);
        }
        var escapedLength = reader.ValueSpan.Length;
        byte[]? rented = null;
        var buffer = escapedLength <= StackNameBytes
            ? stackalloc byte[StackNameBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(escapedLength));
        try
        {
            var length = reader.CopyString(buffer);
            return _names.Intern(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void DropPart(DiagnosticReason reason, string detail) => _partsDropped.Add((reason, detail));

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string JsonErrorDetail(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }
        return ex.BytePositionInLine is { } position ? $"invalid JSON at byte {position + 1}: {message}" : $"invalid JSON: {message}";
    }
}
