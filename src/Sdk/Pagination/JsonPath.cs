using System.Text.Json;

namespace Sdk;

/// <summary>Finds a value by a dotted property path (<c>links.next</c>) in a buffered JSON document without building a DOM.</summary>
internal static class JsonPath
{
    public static string[] Parse(string path) => path.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Positions <paramref name="reader"/> on the value at <paramref name="path"/>; an empty path is the root value.</summary>
    public static bool TryFind(ReadOnlySpan<byte> json, string[] path, out Utf8JsonReader reader)
    {
        reader = new Utf8JsonReader(json);
        if (!reader.Read())
        {
            return false;
        }

        foreach (string segment in path)
        {
            if (reader.TokenType != JsonTokenType.StartObject || !TryEnterProperty(ref reader, segment))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads a scalar as text: a string's value, or a number's or boolean's literal; <see langword="null"/> for JSON null or a container.</summary>
    public static string? ReadScalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        _ => null,
    };

    private static bool TryEnterProperty(ref Utf8JsonReader reader, string name)
    {
        int depth = reader.CurrentDepth;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth)
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                bool match = reader.ValueTextEquals(name);
                reader.Read();
                if (match)
                {
                    return true;
                }

                reader.Skip();
            }
        }

        return false;
    }
}
