using System.Text.Json;
using CsCheck;
using RxFactorio.Wandb;

namespace RxFactorio.Tests.Wandb;

/// <summary>
/// The file_stream body is written from lines escaped once, when packed, not by the serializer: W&amp;B
/// must still get the bytes a JSON serializer writes for the same request.
/// </summary>
public sealed class FileStreamBodyTests
{
    private static readonly string[] Lines =
    [
        """{"_step":1,"_runtime":0.5,"_timestamp":1700000000.123,"production/iron-plate":36000,"tick":216000}""",
        "quote \" backslash \\ newline \n tab \t nul \0 <html> & 'apostrophe' + é 💥 \u2028",
        "",
        new string('"', 1000),
    ];

    [Test]
    public async Task TheBody_IsWhatASerializerWritesForTheSameRequest()
    {
        var packer = new FileStreamPacker(1 << 20, 1 << 20, WandbRefit.BodyEncoder);
        var history = new EscapedLines();
        foreach (var line in Lines)
        {
            Assert.That(packer.TryAdd(history, System.Text.Encoding.UTF8.GetBytes(line)), Is.Null, "nothing is dropped");
        }
        var prepared = packer.Pack(history, Lines[0], [Lines[1]], 7, 3, (_, _, _) => Assert.Fail("nothing is dropped")).Single();
        history.Release();
        var request = prepared.Body with { Uploaded = ["config.yaml", "wandb-metadata.json"], Complete = true, ExitCode = 1 };
        var expected = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["files"] = new Dictionary<string, object>
            {
                [FileStreamPacker.HistoryFile] = new Dictionary<string, object> { ["offset"] = 7L, ["content"] = Lines },
                [FileStreamPacker.SummaryFile] = new Dictionary<string, object> { ["offset"] = 0L, ["content"] = new[] { Lines[0] } },
                [FileStreamPacker.OutputFile] = new Dictionary<string, object> { ["offset"] = 3L, ["content"] = new[] { Lines[1] } },
            },
            ["uploaded"] = new[] { "config.yaml", "wandb-metadata.json" },
            ["complete"] = true,
            ["exitcode"] = 1,
        }, new JsonSerializerOptions { Encoder = WandbRefit.RefitOptions.Encoder });

        using var content = FileStreamBody.Write(request, WandbRefit.BodyEncoder);

        Assert.That(await content.ReadAsStringAsync(), Is.EqualTo(expected));
        prepared.Release();
        Assert.That(content.Headers.ContentLength, Is.EqualTo(System.Text.Encoding.UTF8.GetByteCount(expected)));
        Assert.That(content.Headers.ContentType?.ToString(), Is.EqualTo("application/json; charset=utf-8"));
    }

    [Test]
    public async Task ARetriedRequest_SendsTheSameBytes_EvenAfterItsFirstBodyWasDisposedTwice()
    {
        // The request message and the connection's writer both dispose a body; the lines must stay for the retry.
        var packer = new FileStreamPacker(1 << 20, 1 << 20, WandbRefit.BodyEncoder);
        var history = new EscapedLines();
        foreach (var line in Lines)
        {
            packer.TryAdd(history, System.Text.Encoding.UTF8.GetBytes(line));
        }
        var prepared = packer.Pack(history, Lines[0], [Lines[1]], 0, 0, (_, _, _) => { }).Single();
        history.Release();

        var first = FileStreamBody.Write(prepared.Body, WandbRefit.BodyEncoder);
        var sent = await first.ReadAsStringAsync();
        first.Dispose();
        first.Dispose();
        using var retry = FileStreamBody.Write(prepared.Body, WandbRefit.BodyEncoder);

        Assert.That(await retry.ReadAsStringAsync(), Is.EqualTo(sent));
        Assert.That(sent, Does.Contain(JsonSerializer.Serialize(Lines[3])));
        prepared.Release();
    }

    [Test]
    public void AnyLine_IsEscapedAsTheSerializerEscapesIt()
    {
        // Long lines and lines that are mostly quotes or control characters grow the escape buffer.
        var piece = Gen.OneOf(Gen.String[Gen.Char['\0', '\uD7FF'], 0, 40], Gen.OneOf("\"", "\\", "\n", "\u0001", "é", "💥", "\u2028", "<>&'+", "production/iron-plate"));
        var line = piece.Array[0, 200].Select(string.Concat);
        line.Sample(text =>
        {
            var literal = new System.Buffers.ArrayBufferWriter<byte>(1);
            var written = JsonStringLiteral.Write(literal, System.Text.Encoding.UTF8.GetBytes(text), WandbRefit.BodyEncoder);

            Assert.That(written, Is.EqualTo(literal.WrittenCount));
            Assert.That(System.Text.Encoding.UTF8.GetString(literal.WrittenSpan), Is.EqualTo(JsonSerializer.Serialize(text, new JsonSerializerOptions { Encoder = WandbRefit.RefitOptions.Encoder })));
        }, iter: 300);
    }

    [Test]
    public async Task AHeartbeat_IsAnEmptyObject()
    {
        using var content = FileStreamBody.Write(new FileStreamRequest(), WandbRefit.BodyEncoder);

        Assert.That(await content.ReadAsStringAsync(), Is.EqualTo("{}"));
    }
}
