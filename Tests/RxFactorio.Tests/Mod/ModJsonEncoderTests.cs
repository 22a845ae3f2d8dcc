using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RxFactorio.Tests.Support;

namespace RxFactorio.Tests.Mod;

/// <summary>
/// The mod's map encoder (json.lua) formats a whole map in a few <c>string.format</c> calls with
/// cached format strings: every value must still read back as the exact double, for maps across
/// the chunk size and for item names the format language would misread (<c>%</c>).
/// </summary>
[TestFixture]
public sealed class ModJsonEncoderTests
{
    private const int Keys = 450; // more than two format chunks of 200

    private const string Script = """
        package.path = arg[1] .. "/?.lua;" .. package.path
        local json = require("json")
        local encode = json.map_encoder()
        local map = {}
        for i = 1, tonumber(arg[2]) do map["item-" .. i] = i / 7 end
        map["50%-off"] = 0.1
        map["%d%s%%"] = 1e300
        map['quote"and\\slash'] = 3
        -- the same map twice (the second call reuses the cached order), then one key fewer
        print(json.encode({ first = encode(map), second = encode(map) }))
        map["item-1"] = nil
        map["item-2"] = 2.5
        print(json.encode({ changed = encode(map) }))
        local _, entries = encode(map, true)
        print("{" .. table.concat(entries, ",") .. "}")
        """;

    [Test]
    public async Task MapEncoder_ManyKeysAndFormatCharacters_EveryValueReadsBackExactly()
    {
        var lines = await RunLuaAsync();
        Assert.That(lines, Has.Length.EqualTo(3), string.Join("\n", lines));

        using var twice = JsonDocument.Parse(lines[0]);
        var expected = Expected(removeFirst: false);
        Assert.Multiple(() =>
        {
            Assert.That(Values(twice.RootElement.GetProperty("first")), Is.EqualTo(expected));
            Assert.That(Values(twice.RootElement.GetProperty("second")), Is.EqualTo(expected));
        });

        using var changed = JsonDocument.Parse(lines[1]);
        using var entries = JsonDocument.Parse(lines[2]);
        var afterChange = Expected(removeFirst: true);
        Assert.Multiple(() =>
        {
            Assert.That(Values(changed.RootElement.GetProperty("changed")), Is.EqualTo(afterChange));
            Assert.That(Values(entries.RootElement), Is.EqualTo(afterChange), "the UDP path's entries give the same map");
        });
    }

    private static SortedDictionary<string, double> Expected(bool removeFirst)
    {
        var map = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (var i = 1; i <= Keys; i++)
        {
            map[$"item-{i}"] = i / 7.0;
        }
        map["50%-off"] = 0.1;
        map["%d%s%%"] = 1e300;
        map["quote\"and\\slash"] = 3;
        if (removeFirst)
        {
            map.Remove("item-1");
            map["item-2"] = 2.5;
        }
        return map;
    }

    private static SortedDictionary<string, double> Values(JsonElement map)
    {
        var values = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in map.EnumerateObject())
        {
            values.Add(property.Name, property.Value.GetDouble());
        }
        return values;
    }

    private static async Task<string[]> RunLuaAsync()
    {
        var script = Path.Combine(Path.GetTempPath(), $"rxfactorio-json-check-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, Script);
        try
        {
            var start = new ProcessStartInfo(LuaHarness.Interpreter)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(Parse.RepoFile("samples", "factorio-mod", "rxfactorio-telemetry"));
            start.ArgumentList.Add(Keys.ToString(CultureInfo.InvariantCulture));
            using var process = Process.Start(start) ?? throw new InvalidOperationException("lua did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.That(process.ExitCode, Is.Zero, stderr);
            return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(script);
        }
    }
}
