namespace RxFactorio.Cli;

internal static class Program
{
    private static int Main(string[] args) => new RxFactorio.Framing.FramingOptions().MaxLineBytes > 0 ? 0 : 1;
}
