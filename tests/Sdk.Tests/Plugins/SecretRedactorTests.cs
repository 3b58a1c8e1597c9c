using System.Text;
using Sdk.Plugins;

namespace Sdk.Tests.Plugins;

public sealed class SecretRedactorTests
{
    private const string Secret = "sk-live/ab+c d=\"9\"";

    [Fact]
    public void Redact_ReplacesEveryOccurrence()
    {
        var secrets = new SecretRedactor();
        secrets.Add("s3cr3t");

        Assert.Equal("a *** b *** c", secrets.Redact("a s3cr3t b s3cr3t c"));
        Assert.Equal("nothing here", secrets.Redact("nothing here"));
    }

    [Fact]
    public void Redact_RemovesTheEncodedForms()
    {
        var secrets = new SecretRedactor();
        secrets.Add(Secret);
        string base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(Secret));
        string[] forms =
        [
            Secret,
            Uri.EscapeDataString(Secret),
            System.Text.Json.JsonEncodedText.Encode(Secret).ToString(),
            base64,
            base64.TrimEnd('='),
            base64.TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        ];

        foreach (string form in forms)
        {
            string redacted = secrets.Redact($"before {form} after");
            Assert.Equal("before *** after", redacted);
        }
    }

    [Fact]
    public void Redact_WithoutSecrets_ReturnsTheSameText()
    {
        var secrets = new SecretRedactor();
        const string text = "plain";

        Assert.True(secrets.IsEmpty);
        Assert.Same(text, secrets.Redact(text));
    }

    [Fact]
    public void Add_KeepsTheLastSecretsOnly()
    {
        var secrets = new SecretRedactor();
        for (int i = 0; i <= SecretRedactor.Capacity; i++)
        {
            secrets.Add($"token-{i:D4}-secret");
        }

        Assert.Equal("token-0000-secret", secrets.Redact("token-0000-secret"));
        Assert.Equal("***", secrets.Redact("token-0001-secret"));
        Assert.Equal("***", secrets.Redact($"token-{SecretRedactor.Capacity:D4}-secret"));
    }

    [Fact]
    public void ToString_DoesNotShowSecrets()
    {
        var secrets = new SecretRedactor();
        secrets.Add(Secret);

        Assert.DoesNotContain("sk-live", secrets.ToString(), StringComparison.Ordinal);
    }
}
