using Microsoft.Extensions.Configuration;

namespace RxFactorio.Cli.Settings;

/// <summary>An in-memory configuration layer with a name, so that errors can say where a value came from.</summary>
internal sealed class NamedMemorySource(string name, IEnumerable<KeyValuePair<string, string?>> values) : IConfigurationSource
{
    public string Name { get; } = name;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this, values);

    private sealed class Provider : ConfigurationProvider
    {
        public Provider(NamedMemorySource source, IEnumerable<KeyValuePair<string, string?>> values)
        {
            Source = source;
            foreach (var (key, value) in values)
            {
                Data[key] = value;
            }
        }

        public NamedMemorySource Source { get; }

        public override string ToString() => Source.Name;
    }
}
