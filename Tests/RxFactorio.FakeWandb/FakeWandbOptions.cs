using Microsoft.Extensions.Logging;

namespace RxFactorio.FakeWandb;

public sealed record FakeWandbOptions
{
    /// <summary>40 characters of [\w-], the shortest key the SDK's format check accepts (docs/wandb-protocol.md §1).</summary>
    public const string TestApiKey = "fakewandb-test-key-0123456789abcdef01234";

    public const string DefaultEntityName = "fake-entity";

    /// <summary>The project the server uses when UpsertBucket sends <c>project: null</c> (docs/wandb-protocol.md §8).</summary>
    public const string DefaultProjectName = "uncategorized";

    /// <summary>10 &lt;&lt; 20, wandb-core's defaultMaxRequestSizeBytes (docs/wandb-protocol.md §3 "Timing and limits").</summary>
    public const long DefaultMaxRequestBytes = 10L << 20;

    /// <summary>(10 &lt;&lt; 20) - (100 &lt;&lt; 10), "imposed by the back-end" (docs/wandb-protocol.md §3).</summary>
    public const long DefaultMaxLineBytes = (10L << 20) - (100L << 10);

    /// <summary>0 picks a free port. The server only ever binds 127.0.0.1.</summary>
    public int Port { get; init; }

    public string DefaultEntity { get; init; } = DefaultEntityName;

    public string DefaultProject { get; init; } = DefaultProjectName;

    /// <summary>Accepted API keys mapped to the key owner's default entity. Null: only <see cref="TestApiKey"/>, owned by <see cref="DefaultEntity"/>.</summary>
    public IReadOnlyDictionary<string, string>? ApiKeys { get; init; }

    /// <summary>When true, UpsertBucket for an entity other than the key owner's answers 403 (docs/wandb-protocol.md §8).</summary>
    public bool RestrictEntitiesToKeyOwner { get; init; }

    /// <summary>Feature names reported as enabled by ServerFeaturesQuery (default none, docs/wandb-protocol.md §8).</summary>
    public IReadOnlyList<string> ServerFeatures { get; init; } = [];

    /// <summary>Drives injected delays and request-log timestamps; pass a FakeTimeProvider for virtual time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public long MaxRequestBytes { get; init; } = DefaultMaxRequestBytes;

    public long MaxLineBytes { get; init; } = DefaultMaxLineBytes;

    /// <summary>Null: no logging (in-process default). The API key is never logged either way.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    internal IReadOnlyDictionary<string, string> EffectiveApiKeys =>
        ApiKeys ?? new Dictionary<string, string> { [TestApiKey] = DefaultEntity };
}
