using System.Buffers;
using System.Text;
using RxFactorio.Framing;

namespace RxFactorio.Tests.Support;

/// <summary>An owned copy of a borrowed <see cref="Line"/>, for assertions.</summary>
internal sealed record CollectedLine(string Text, long Number, long EndOffset)
{
    public static CollectedLine From(Line line) => new(Encoding.UTF8.GetString(line.Bytes.ToArray()), line.Number, line.EndOffset);
}
