using System.Text.Json.Serialization;

namespace RxFactorio.Events;

[JsonSerializable(typeof(string))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
