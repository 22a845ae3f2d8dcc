using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace RxFactorio.Tests.Wandb;

/// <summary>One request the fake saw.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? UserAgent, string Body)
{
    public bool IsFileStream => Uri.AbsolutePath.EndsWith("/file_stream", StringComparison.Ordinal);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// A hand-written W&amp;B stand-in at the handler level: records every attempt, answers scripted
/// responses first, then sensible defaults (an UpsertBucket bucket, <c>{"stopped":false}</c>).
/// </summary>
public sealed class FakeWandbHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<RecordedRequest, HttpResponseMessage>> _graphQl = new();
    private readonly ConcurrentQueue<Func<RecordedRequest, HttpResponseMessage>> _fileStream = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];

    public string ResponseEntity { get; set; } = "factorio-team";

    public string ResponseProject { get; set; } = "factorio-experiments";

    public long HistoryLineCount { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<RecordedRequest> FileStreamRequests => [.. Requests.Where(r => r.IsFileStream)];

    public void EnqueueGraphQl(HttpStatusCode status, string body, params (string Name, string Value)[] headers) =>
        _graphQl.Enqueue(_ => Response(status, body, headers));

    public void EnqueueFileStream(HttpStatusCode status, string body, params (string Name, string Value)[] headers) =>
        _fileStream.Enqueue(_ => Response(status, body, headers));

    public void EnqueueFileStreamException(Exception exception) => _fileStream.Enqueue(_ => throw exception);

    /// <summary>Completes when at least <paramref name="count"/> requests arrived (bounded by a real-time guard, never a sleep).</summary>
    public Task WaitForRequestsAsync(int count)
    {
        lock (_requests)
        {
            if (_requests.Count >= count)
            {
                return Task.CompletedTask;
            }
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, tcs));
            return tcs.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            request.Headers.UserAgent.ToString(),
            body);
        List<TaskCompletionSource> done = [];
        lock (_requests)
        {
            _requests.Add(recorded);
            foreach (var w in _waiters.Where(w => _requests.Count >= w.Count).ToList())
            {
                _waiters.Remove(w);
                done.Add(w.Done);
            }
        }
        var queue = recorded.IsFileStream ? _fileStream : _graphQl;
        var response = queue.TryDequeue(out var scripted) ? scripted(recorded) : Default(recorded);
        response.RequestMessage = request;
        foreach (var d in done)
        {
            d.TrySetResult();
        }
        return response;
    }

    private HttpResponseMessage Default(RecordedRequest request)
    {
        if (request.IsFileStream)
        {
            return Response(HttpStatusCode.OK, """{"exitcode":null,"limits":{},"stopped":false}""");
        }
        if (!request.Uri.AbsolutePath.EndsWith("/graphql", StringComparison.Ordinal) || !request.Json.TryGetProperty("operationName", out _))
        {
            return Response(HttpStatusCode.OK, "{}");
        }
        var json = request.Json;
        if (json.GetProperty("operationName").GetString() == "Viewer")
        {
            return Response(HttpStatusCode.OK, """{"data":{"viewer":{"id":"VXNlcjox","entity":"factorio-team","username":"tester","email":null}}}""");
        }
        var name = json.GetProperty("variables").GetProperty("name").GetString();
        var bucket = new
        {
            data = new
            {
                upsertBucket = new
                {
                    bucket = new
                    {
                        id = "UnVuOnYxOnN0b3JhZ2U=",
                        name,
                        displayName = "d",
                        description = (string?)null,
                        config = "{}",
                        sweepName = (string?)null,
                        project = new { id = "UHJvamVjdDox", name = ResponseProject, entity = new { id = "RW50aXR5OjE=", name = ResponseEntity } },
                        historyLineCount = HistoryLineCount,
                    },
                    inserted = true,
                },
            },
        };
        return Response(HttpStatusCode.OK, JsonSerializer.Serialize(bucket));
    }

    private static HttpResponseMessage Response(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }
        return response;
    }
}
