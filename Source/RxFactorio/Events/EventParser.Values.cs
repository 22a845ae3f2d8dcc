using System.Text.Json;
using RxFactorio.Diagnostics;
using RxFactorio.Runs;

namespace RxFactorio.Events;

public sealed partial class EventParser
{
    /// <summary>Reads one name → number map; <c>false</c> when the field was there but not a map (nothing of it is known).</summary>
    private bool ReadMeasurements(ref Utf8JsonReader reader, string field, List<Measurement> into, List<string> invalid, NamePrediction names)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            // NOTE: Lua JSON encoders write an empty table as [], so an empty array is an empty map.
            if (reader.Read() && reader.TokenType == JsonTokenType.EndArray)
            {
                return true;
            }
            do
            {
                reader.Skip();
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);
            DropPart(DiagnosticReason.BadOptionalField, $"field '{field}' must be an object of name → number; ignored");
            return false;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            if (reader.TokenType != JsonTokenType.Null)
            {
                DropPart(DiagnosticReason.BadOptionalField, $"field '{field}' must be an object of name → number; ignored");
                return false;
            }
            return true;
        }
        names.BeginMap();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = PredictedName(ref reader, names);
            reader.Read();
            if (into == _metrics && ReservedKeys.IsReserved(name))
            {
                reader.Skip();
                DropPart(DiagnosticReason.ReservedKey, ReservedKeys.Detail(name));
                continue;
            }
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value))
            {
                into.Add(new Measurement(name, value));
                continue;
            }
            reader.Skip();
            invalid.Add(name);
            DropPart(DiagnosticReason.BadMetricValue, $"{field}['{Printable.Of(name, 60)}'] is not a finite number; that value was dropped (and not zero-filled)");
        }
        return true;
    }

    /// <summary>
    /// The next name of a map, from the prediction when it matches, else from the name table
    /// (and the prediction learns it).
    /// </summary>
    private string PredictedName(ref Utf8JsonReader reader, NamePrediction names)
    {
        if (!reader.ValueIsEscaped && names.TryMatch(reader.ValueSpan) is { } predicted)
        {
            return predicted;
        }
        if (reader.ValueIsEscaped)
        {
            return InternValue(ref reader);
        }
        var name = _names.Intern(reader.ValueSpan, out var kept);
        names.Learn(kept, name);
        return name;
    }

    private PlayerState? ReadPlayer(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            if (reader.TokenType != JsonTokenType.Null)
            {
                DropPart(DiagnosticReason.BadOptionalField, "field 'player' must be an object; ignored");
            }
            return null;
        }
        double? x = null, y = null, health = null;
        string? surface = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("position"u8))
            {
                reader.Read();
                ReadPosition(ref reader, ref x, ref y);
            }
            else if (reader.ValueTextEquals("surface"u8))
            {
                reader.Read();
                surface = ReadOptionalString(ref reader, "player.surface");
            }
            else if (reader.ValueTextEquals("health"u8))
            {
                reader.Read();
                health = ReadOptionalNumber(ref reader, "player.health");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new PlayerState(x, y, surface, health);
    }

    private void ReadPosition(ref Utf8JsonReader reader, ref double? x, ref double? y)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            DropPart(DiagnosticReason.BadOptionalField, "field 'player.position' must be an object; ignored");
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("x"u8))
            {
                reader.Read();
                x = ReadOptionalNumber(ref reader, "player.position.x");
            }
            else if (reader.ValueTextEquals("y"u8))
            {
                reader.Read();
                y = ReadOptionalNumber(ref reader, "player.position.y");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private double? ReadOptionalNumber(ref Utf8JsonReader reader, string field)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value))
        {
            return value;
        }
        reader.Skip();
        if (reader.TokenType != JsonTokenType.Null)
        {
            DropPart(DiagnosticReason.BadOptionalField, $"field '{field}' must be a finite number; ignored");
        }
        return null;
    }
}
