namespace RxFactorio.Runs;

/// <summary>Makes run ids and display names. Run ids never derive from the (untrusted) session id.</summary>
internal static class RunIdentity
{
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int IdLength = 8;

    public static string NewRunId(Random random) =>
        string.Create(IdLength, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = IdAlphabet[r.Next(IdAlphabet.Length)];
            }
        });

    public static string NewDisplayName(string sessionId, Random random) =>
        $"{sessionId}_{(uint)random.NextInt64(0, 1L << 32)}";
}
