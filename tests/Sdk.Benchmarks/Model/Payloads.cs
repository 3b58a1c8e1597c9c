using System.Text;

namespace Sdk.Benchmarks.Model;

/// <summary>The bytes every contender sends and receives, rendered once.</summary>
internal static class Payloads
{
    public const string ChatPath = "/v1/chat/completions";

    private const string ChunkPrefix = """data: {"id":"chatcmpl-7aZq","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o","system_fingerprint":"fp_4470","choices":[{"index":0,"delta":""";
    private static readonly string[] Words = [" The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", "."];

    public static ChatRequest StreamRequest { get; } = CreateRequest(stream: true);

    public static ChatRequest UnaryRequest { get; } = CreateRequest(stream: null);

    /// <summary>The unary answer, about 200 bytes.</summary>
    public static byte[] UnaryResponse { get; } = """{"id":"chatcmpl-7aZq","object":"chat.completion","created":1694268190,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?"},"finish_reason":"stop"}]}"""u8.ToArray();

    /// <summary>The text length of <see cref="UnaryResponse"/>.</summary>
    public const int UnaryTextLength = 22;

    /// <summary>
    /// An SSE body of <paramref name="events"/> chunk events (the first carries the role, the last the finish reason) followed
    /// by <c>data: [DONE]</c>, and the total text length the events carry.
    /// </summary>
    public static (byte[] Body, long TextLength) CreateSseBody(int events)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(events, 2);
        var text = new StringBuilder(events * 230);
        long textLength = 0;
        for (int i = 0; i < events; i++)
        {
            text.Append(ChunkPrefix);
            if (i == 0)
            {
                text.Append("""{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""");
            }
            else if (i == events - 1)
            {
                text.Append("""{},"logprobs":null,"finish_reason":"stop"}]}""");
            }
            else
            {
                string word = Words[i % Words.Length];
                textLength += word.Length;
                text.Append("{\"content\":\"").Append(word).Append("\"},\"logprobs\":null,\"finish_reason\":null}]}");
            }

            text.Append("\n\n");
        }

        text.Append("data: [DONE]\n\n");
        return (Encoding.UTF8.GetBytes(text.ToString()), textLength);
    }

    /// <summary>
    /// The chunk events of <see cref="CreateSseBody"/> as <paramref name="count"/> WebSocket messages (the JSON of each
    /// <c>data:</c> line), and the total text length they carry.
    /// </summary>
    public static (byte[][] Messages, long TextLength) CreateChunkMessages(int count)
    {
        (byte[] body, long textLength) = CreateSseBody(count);
        string[] events = Encoding.UTF8.GetString(body).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        byte[][] messages = [.. events.Take(count).Select(e => Encoding.UTF8.GetBytes(e["data: ".Length..]))];
        return (messages, textLength);
    }

    private static ChatRequest CreateRequest(bool? stream) => new()
    {
        Model = "gpt-4o",
        Stream = stream,
        Messages = [new RequestMessage { Role = "user", Content = "Say hello in one short sentence, please." }],
    };
}
