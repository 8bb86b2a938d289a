using System.Text.Json;

namespace LocalDapr.State;

/// <summary>State values are the caller's raw bytes; most are JSON (the SDK serialises with System.Text.Json).</summary>
public static class JsonBytes
{
    public static bool IsJson(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        var reader = new Utf8JsonReader(value, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            while (reader.Read())
            {
                // Reading to the end validates the whole document.
            }

            return reader.BytesConsumed == value.Length || value[(int)reader.BytesConsumed..].Trim(" \t\r\n"u8).IsEmpty;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
