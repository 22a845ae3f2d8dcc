namespace RxFactorio.Events;

/// <summary>One extra field of a game event.</summary>
/// <param name="Name">The field's name.</param>
/// <param name="Json">The field's value as compact JSON text, e.g. <c>"automation-2"</c>, <c>1</c> or <c>{"x":1,"y":2}</c>.</param>
public readonly record struct EventField(string Name, string Json)
{
    /// <summary>The value as a person reads it: a JSON string without its quotes, anything else as JSON.</summary>
    public string DisplayValue =>
        Json.Length >= 2 && Json[0] == '"'
            ? System.Text.Json.JsonSerializer.Deserialize(Json, EventsJsonContext.Default.String) ?? ""
            : Json;
}
