using CsCheck;

namespace RxFactorio.Tests.Properties;

/// <summary>
/// Runs a CsCheck property a fixed number of times from a fixed root seed, so CI sees the same
/// cases on every run and within the same budget. Each case is run by CsCheck with its own seed
/// (derived from the root seed): when one fails, CsCheck's message names that seed and prints the
/// input, with the line to replay it: <c>Set seed: "…" or -e CsCheck_Seed=… to reproduce</c>. To replay, run only that test with
/// the variable set, e.g. <c>CsCheck_Seed=0N0XIzNsQ0O2 dotnet test Tests/RxFactorio.Tests
/// --filter "FullyQualifiedName~RunStageProperties"</c>: the property then runs that one case.
/// <c>RXFACTORIO_PROPERTY_ITERATIONS</c> multiplies the iterations (e.g. 20 for a long local hunt).
/// </summary>
internal static class PropertyCheck
{
    public const string SeedVariable = "CsCheck_Seed";
    public const string IterationsVariable = "RXFACTORIO_PROPERTY_ITERATIONS";
    private const ulong RootSeed = 0x0011_0011_5EED;

    public static void Run<T>(Gen<T> gen, Action<T> assert, int iterations, Func<T, string>? print = null)
    {
        // NOTE: NUnit records a failed Assert in the test's result even when the exception is
        // caught; CsCheck catches them while it shrinks, so each case runs in an isolated context
        // and only the exception CsCheck finally throws (with its seed) decides the test.
        Action<T> property = value =>
        {
            using (new NUnit.Framework.Internal.TestExecutionContext.IsolatedContext())
            {
                assert(value);
            }
        };
        var replay = Environment.GetEnvironmentVariable(SeedVariable);
        if (!string.IsNullOrWhiteSpace(replay))
        {
            gen.Sample(property, seed: replay.Trim(), iter: 1, threads: 1, print: print);
            return;
        }
        var factor = int.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), out var f) && f > 0 ? f : 1;
        var root = new PCG(11, RootSeed);
        for (var i = 0; i < iterations * factor; i++)
        {
            var seed = new PCG(root.Next() & 0x7FFF, root.Next64()).ToString();
            gen.Sample(property, seed: seed, iter: 1, threads: 1, print: print);
        }
    }
}
