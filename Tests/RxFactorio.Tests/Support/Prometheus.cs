using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace RxFactorio.Tests.Support;

/// <summary>Parses the Prometheus text exposition format (enough for our own metrics) and finds free loopback ports.</summary>
internal static partial class Prometheus
{
    public sealed record Exposition(IReadOnlyDictionary<string, string> Help, IReadOnlyDictionary<string, string> Types, IReadOnlyDictionary<string, double> Samples)
    {
        public double Value(string sample) => Samples.TryGetValue(sample, out var v) ? v : 0;

        public double Sum(string family) => Samples.Where(kv => kv.Key == family || kv.Key.StartsWith(family + "{", StringComparison.Ordinal)).Sum(kv => kv.Value);
    }

    public static Exposition Parse(string text)
    {
        var help = new Dictionary<string, string>();
        var types = new Dictionary<string, string>();
        var samples = new Dictionary<string, double>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ', 2);
                help[parts[0]] = parts[1];
            }
            else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ', 2);
                types[parts[0]] = parts[1];
            }
            else
            {
                var match = SampleLine().Match(line);
                Assert.That(match.Success, $"not an exposition sample line: '{line}'");
                samples[match.Groups["name"].Value] = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }
        return new Exposition(help, types, samples);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})?) (?<value>[-+0-9.eEInfNa]+)$")]
    private static partial Regex SampleLine();
}
