namespace Sdk.Tests;

/// <summary>ApiCredential: validation of secrets and header names, and a ToString() that never shows the secret.</summary>
public sealed class ApiCredentialTests
{
    [Fact]
    public void Bearer_HasKindAndHidesTokenInToString()
    {
        ApiCredential credential = ApiCredential.Bearer("sk-live-123");

        Assert.Equal("Bearer", credential.Kind);
        Assert.Equal("ApiCredential(Bearer, Authorization: ***)", credential.ToString());
    }

    [Fact]
    public void ApiKey_DefaultsToXApiKeyAndHidesKeyInToString()
    {
        ApiCredential credential = ApiCredential.ApiKey("key-123");

        Assert.Equal("ApiKey", credential.Kind);
        Assert.Equal("ApiCredential(ApiKey, x-api-key: ***)", credential.ToString());
    }

    [Fact]
    public void ApiKey_CustomHeaderName_AppearsInToStringButKeyDoesNot()
    {
        string text = ApiCredential.ApiKey("key-123", "Ocp-Apim-Subscription-Key").ToString();

        Assert.Equal("ApiCredential(ApiKey, Ocp-Apim-Subscription-Key: ***)", text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tok\r\nX-Injected: 1")]
    [InlineData("tok\n")]
    public void Bearer_InvalidToken_Throws(string token)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => ApiCredential.Bearer(token));

        Assert.Equal("token", error.ParamName);
    }

    [Fact]
    public void Bearer_NullToken_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ApiCredential.Bearer(null!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("key\r")]
    public void ApiKey_InvalidKey_Throws(string key)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => ApiCredential.ApiKey(key));

        Assert.Equal("key", error.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x api key")]
    [InlineData("x-api-key:")]
    [InlineData("x-api-key\r\n")]
    [InlineData("ключ")]
    public void ApiKey_InvalidHeaderName_Throws(string headerName)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => ApiCredential.ApiKey("key", headerName));

        Assert.Equal("headerName", error.ParamName);
    }
}
