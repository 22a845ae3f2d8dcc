namespace RxFactorio.RunLog;

/// <summary>Turns file system failures into <see cref="IOException"/>s whose message names the path.</summary>
internal static class PathErrors
{
    public static T Wrap<T>(string path, string doing, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (IsFileSystemError(ex))
        {
            throw Named(path, doing, ex);
        }
    }

    public static void Wrap(string path, string doing, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (IsFileSystemError(ex))
        {
            throw Named(path, doing, ex);
        }
    }

    public static IOException Named(string path, string doing, Exception inner) =>
        inner is IOException io && io.Message.Contains(path, StringComparison.Ordinal) && io.Message.StartsWith("Cannot ", StringComparison.Ordinal)
            ? io
            : new IOException($"Cannot {doing} '{path}': {inner.Message}", inner);

    private static bool IsFileSystemError(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException;
}
