namespace Sdk.Extensions.Tests;
