using System.ClientModel;
using OpenAI;
using OpenAI.Chat;

namespace Sdk.Benchmarks.Compare;

/// <summary>The OpenAI .NET package's <see cref="ChatClient"/>, pointed at the same server.</summary>
internal sealed class OpenAiContender : IContender
{
    private static readonly ChatMessage[] Messages = [new UserChatMessage("Say hello in one short sentence, please.")];
    private readonly ChatClient _chat;

    public OpenAiContender(Uri server)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(server, "v1") };
        _chat = new ChatClient("gpt-4o", new ApiKeyCredential("sk-bench"), options);
    }

    public string Name => "openai";

    public async Task<Decoded> StreamAsync(CancellationToken cancellationToken)
    {
        long items = 0;
        long text = 0;
        await foreach (StreamingChatCompletionUpdate update in _chat.CompleteChatStreamingAsync(Messages, cancellationToken: cancellationToken))
        {
            items++;
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                text += part.Text.Length;
            }
        }

        return new Decoded(items, text);
    }

    public async Task<Decoded> UnaryAsync(CancellationToken cancellationToken)
    {
        ClientResult<ChatCompletion> result = await _chat.CompleteChatAsync(Messages, cancellationToken: cancellationToken);
        return new Decoded(1, result.Value.Content[0].Text.Length);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
