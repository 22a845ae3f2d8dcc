using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using RxFactorio.FakeWandb.Http;
using RxFactorio.FakeWandb.State;

namespace RxFactorio.FakeWandb.Endpoints;

/// <summary>POST /files/{entity}/{project}/{run}/file_stream (docs/wandb-protocol.md §3, §8 "file_stream").</summary>
internal sealed class FileStreamEndpoint(FakeState state, FakeWandbOptions options, ApiKeyAuthenticator auth)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        state.CounterSet.FileStream();

        // Unauthenticated file_stream: 401, which is fatal for the stream in wandb-core (docs/wandb-protocol.md §8).
        if (auth.Authenticate(context.Request) is null)
        {
            state.CounterSet.Unauthorized();
            return JsonResults.Plain(StatusCodes.Status401Unauthorized, "user is not logged in");
        }

        var segments = RawPathSegments.Of(context);
        if (segments.Count != 5)
        {
            return JsonResults.Plain(StatusCodes.Status404NotFound, "expected /files/{entity}/{project}/{run}/file_stream");
        }

        var (body, status, error) = await JsonBody.ReadAsync(context.Request, options.MaxRequestBytes);
        if (error is not null)
        {
            return JsonResults.Plain(status, error);
        }

        var (request, parseStatus, parseError) = FileStreamRequest.Parse(body, options.MaxLineBytes);
        if (request is null)
        {
            return JsonResults.Plain(parseStatus, parseError!);
        }

        // Unknown run → 404. The real server's answer is not established (docs/wandb-protocol.md §8); 404 is not retried (docs/wandb-protocol.md §4).
        var key = new RunKey(segments[1], segments[2], segments[3]);
        if (state.FindRun(key) is not { } run)
        {
            return JsonResults.Plain(StatusCodes.Status404NotFound, $"run {key} not found");
        }

        if (request.IsHeartbeat)
        {
            state.CounterSet.Heartbeat();
        }

        var now = options.TimeProvider.GetUtcNow();
        foreach (var (name, offset, content) in request.Files)
        {
            var replaced = run.WriteLines(name, offset, content, now);
            state.CounterSet.Lines(content.Count, replaced);
        }

        run.ApplyStreamFlags(request.Complete, request.ExitCode, request.Preempting, request.Uploaded, request.Dropped);

        // wandb-core reads only "stopped" (docs/wandb-protocol.md §3 "Response"); the rest mirrors the old SDK mock.
        return JsonResults.Json(new JsonObject
        {
            ["exitcode"] = null,
            ["limits"] = new JsonObject(),
            ["stopped"] = run.Stopped,
        });
    }
}
