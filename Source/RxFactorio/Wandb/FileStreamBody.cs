using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.IO;

namespace RxFactorio.Wandb;

/// <summary>
/// Writes a <see cref="FileStreamRequest"/> as its JSON body, once: the JSON around the lines as UTF-8 into
/// pooled memory (<see cref="FileStreamMemory"/>), the lines sent from where they were escaped
/// (<see cref="EscapedLines"/>), not copied. The same bytes a JSON
/// serializer writes for <c>{"files":{name:{"offset":N,"content":[…]}},"uploaded":[…],"complete":…,"exitcode":…}</c>,
/// members left out when not set.
/// </summary>
internal static class FileStreamBody
{
    /// <summary>The body of <paramref name="request"/>, escaped with <paramref name="encoder"/> (the lines were escaped with the same one).</summary>
    public static FileStreamContent Write(FileStreamRequest request, JavaScriptEncoder? encoder)
    {
        var stream = FileStreamMemory.Rent("file_stream");
        var splices = new List<FileStreamContent.Splice>();
        try
        {
            using (var writer = new Utf8JsonWriter((System.Buffers.IBufferWriter<byte>)stream, new JsonWriterOptions { Encoder = encoder, SkipValidation = true }))
            {
                writer.WriteStartObject();
                if (request.Files is { } files)
                {
                    writer.WriteStartObject("files");
                    foreach (var (name, chunk) in files)
                    {
                        writer.WriteStartObject(name);
                        writer.WriteNumber("offset", chunk.Offset);
                        writer.WriteStartArray("content");
                        // NOTE: the lines are not copied: the content sends them from where they were escaped, at this point of the body.
                        writer.Flush();
                        splices.Add(new FileStreamContent.Splice(stream.Length, chunk.Lines, chunk.First, chunk.Count));
                        writer.WriteEndArray();
                        writer.WriteEndObject();
                    }
                    writer.WriteEndObject();
                }
                if (request.Uploaded is { } uploaded)
                {
                    writer.WriteStartArray("uploaded");
                    foreach (var name in uploaded)
                    {
                        writer.WriteStringValue(name);
                    }
                    writer.WriteEndArray();
                }
                if (request.Complete is { } complete)
                {
                    writer.WriteBoolean("complete", complete);
                }
                if (request.ExitCode is { } exitCode)
                {
                    writer.WriteNumber("exitcode", exitCode);
                }
                writer.WriteEndObject();
            }
            return new FileStreamContent(stream, splices);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
