using Microsoft.Extensions.Logging;
using RxFactorio.FakeWandb;

// dotnet run --project Tests/RxFactorio.FakeWandb -- [--port 8080] [--api-key KEY]... [--entity NAME]
var port = 8080;
var keys = new List<string>();
var entity = FakeWandbOptions.DefaultEntityName;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--port" when int.TryParse(value, out var p) && p is >= 0 and <= 65535:
            port = p;
            i++;
            break;
        case "--api-key" when !string.IsNullOrEmpty(value):
            keys.Add(value);
            i++;
            break;
        case "--entity" when !string.IsNullOrEmpty(value):
            entity = value;
            i++;
            break;
        default:
            await Console.Error.WriteLineAsync($"Unknown or incomplete argument '{args[i]}'. Usage: [--port N] [--api-key KEY]... [--entity NAME]");
            return 2;
    }
}

var options = new FakeWandbOptions
{
    Port = port,
    DefaultEntity = entity,
    ApiKeys = keys.Count == 0 ? null : keys.ToDictionary(k => k, _ => entity),
    ConfigureLogging = logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning),
};

await using var server = await FakeWandbServer.StartAsync(options);
var baseUrl = server.BaseUrl.ToString().TrimEnd('/');
Console.WriteLine($"Fake W&B server listening on {baseUrl} (default entity '{entity}')");
Console.WriteLine("Point the client at it:");
Console.WriteLine($"  WANDB_BASE_URL={baseUrl}");
Console.WriteLine(keys.Count == 0
    ? $"  WANDB_API_KEY={FakeWandbOptions.TestApiKey}   (the built-in test key)"
    : "  WANDB_API_KEY=<the key you passed with --api-key>");
Console.WriteLine($"Run file uploads go to {server.UploadUrl.ToString().TrimEnd('/')} (refuses W&B credentials).");
Console.WriteLine($"Runs: GET {baseUrl}/runs (rows and arrival times: /runs/history)   Faults: POST {baseUrl}/_fake/faults   Ctrl+C to stop.");

// The host's console lifetime turns Ctrl+C and SIGTERM into a graceful shutdown.
await server.WaitForShutdownAsync();
return 0;
