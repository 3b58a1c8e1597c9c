using System.Text;
using Sdk.Tests.Infrastructure;

namespace Sdk.Tests.Requests;

/// <summary>ApiRequest construction: factories, argument checks, and a ToString() without query, headers or body.</summary>
public sealed class ApiRequestTests
{
    [Fact]
    public void Factories_SetMethodPathAndJsonBody()
    {
        ApiRequest post = ApiRequest.Post("chat", new EchoRequest("hi", 2), TestJson.Default.EchoRequest);

        Assert.Equal(HttpMethod.Post, post.Method);
        Assert.Equal("chat", post.Path);
        Assert.Equal("application/json", post.ContentType);
        Assert.Equal("{\"text\":\"hi\",\"count\":2}", Encoding.UTF8.GetString(post.Body.Span));
        Assert.Equal(HttpMethod.Get, ApiRequest.Get("x").Method);
        Assert.Equal(HttpMethod.Delete, ApiRequest.Delete("x").Method);
        Assert.Equal(HttpMethod.Head, ApiRequest.Create(HttpMethod.Head, "x").Method);
        Assert.True(ApiRequest.Post("x").Body.IsEmpty);
        Assert.Null(ApiRequest.Post("x").ContentType);
    }

    [Fact]
    public void With_Methods_ReturnSameInstance()
    {
        ApiRequest request = ApiRequest.Get("x");

        Assert.Same(request, request.WithQuery("a", "1"));
        Assert.Same(request, request.SetQuery("a", "2"));
        Assert.Same(request, request.WithHeader("X-A", "1"));
        Assert.Same(request, request.WithTimeout(TimeSpan.FromSeconds(1)));
        Assert.Same(request, request.WithAttemptTimeout(TimeSpan.FromSeconds(1)));
        Assert.Same(request, request.WithErrorType(TestJson.Default.ErrorEnvelope));
        Assert.Same(request, request.WithBody(new byte[] { 1 }, "application/octet-stream"));
        Assert.Equal(TimeSpan.FromSeconds(1), request.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(1), request.AttemptTimeout);
        Assert.Same(TestJson.Default.ErrorEnvelope, request.ErrorType);
        Assert.Equal("1", request.Headers["x-a"]);
    }

    [Fact]
    public void ToString_ShowsMethodAndPathOnly()
    {
        ApiRequest request = ApiRequest.Post("v1/charges?expand=customer&key=secret#x", new EchoRequest("body-secret", 1), TestJson.Default.EchoRequest)
            .WithQuery("token", "query-secret")
            .WithHeader("Authorization", "Bearer header-secret");

        Assert.Equal("POST v1/charges", request.ToString());
    }

    [Theory]
    [InlineData("items\r\n")]
    [InlineData("items\nHost: evil")]
    public void Create_PathWithLineBreak_Throws(string path)
    {
        Assert.Throws<ArgumentException>(() => ApiRequest.Get(path));
    }

    [Fact]
    public void Create_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ApiRequest.Get(null!));
        Assert.Throws<ArgumentNullException>(() => ApiRequest.Create(null!, "x"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("X Header")]
    [InlineData("X-Header:")]
    [InlineData("X-Header\r\n")]
    public void WithHeader_InvalidName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => ApiRequest.Get("x").WithHeader(name, "v"));
    }

    [Theory]
    [InlineData("a\r\nX-Injected: 1")]
    [InlineData("a\n")]
    public void WithHeader_ValueWithLineBreak_Throws(string value)
    {
        Assert.Throws<ArgumentException>(() => ApiRequest.Get("x").WithHeader("X-A", value));
    }

    [Fact]
    public void WithQuery_EmptyNameOrNullValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => ApiRequest.Get("x").WithQuery("", "v"));
        Assert.Throws<ArgumentNullException>(() => ApiRequest.Get("x").WithQuery("a", null!));
        Assert.Throws<ArgumentException>(() => ApiRequest.Get("x").SetQuery("", "v"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void WithTimeouts_NonPositive_Throw(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ApiRequest.Get("x").WithTimeout(TimeSpan.FromSeconds(seconds)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ApiRequest.Get("x").WithAttemptTimeout(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void WithTimeouts_Infinite_IsAccepted()
    {
        ApiRequest request = ApiRequest.Get("x").WithTimeout(Timeout.InfiniteTimeSpan).WithAttemptTimeout(Timeout.InfiniteTimeSpan);

        Assert.Equal(Timeout.InfiniteTimeSpan, request.Timeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, request.AttemptTimeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("application/json\r\nX-Injected: 1")]
    public void WithBody_InvalidContentType_Throws(string contentType)
    {
        Assert.Throws<ArgumentException>(() => ApiRequest.Post("x").WithBody(new byte[] { 1 }, contentType));
    }

    [Fact]
    public void Query_KeepsOrderAndRepeats()
    {
        ApiRequest request = ApiRequest.Get("x").WithQuery("b", "1").WithQuery("a", "2").WithQuery("b", "3");

        Assert.Equal([new("b", "1"), new("a", "2"), new KeyValuePair<string, string>("b", "3")], request.Query);
        Assert.Empty(ApiRequest.Get("y").Query);
        Assert.Empty(ApiRequest.Get("y").Headers);
    }
}
