using System.IO.Compression;
using System.Text;

namespace DeepSeek.Dapr.Inference.Builtin;

/// <summary>
/// Compact binary form of a trained model: a gzip stream of the vocabulary, the per-level discounts, the unigram
/// continuation counts and every context with its next-token counts, then the trigger table. Probabilities are recomputed on load.
/// </summary>
public static class NGramModelSerializer
{
    private const int Magic = 0x474E5344; // "DSNG"
    private const int Version = 2;

    public static void Save(NGramModel model, Stream destination)
    {
        using var gzip = new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true);
        using var writer = new BinaryWriter(gzip, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(model.CorpusHash);
        writer.Write(model.Order);
        WriteInts(writer, model.Vocabulary);
        foreach (var discount in model.Discounts)
        {
            writer.Write(discount);
        }

        WriteInts(writer, model.UnigramCounts);
        for (var k = 1; k < model.Order; k++)
        {
            var level = model.Levels[k];
            writer.Write(level.Count);
            foreach (var stats in level.Values)
            {
                foreach (var token in stats.Context)
                {
                    writer.Write7BitEncodedInt(token);
                }

                WriteInts(writer, stats.Next);
                foreach (var count in stats.Counts)
                {
                    writer.Write7BitEncodedInt(count);
                }
            }
        }

        writer.Write(model.Triggers.Count);
        foreach (var (trigger, (targets, weights)) in model.Triggers.Entries)
        {
            writer.Write7BitEncodedInt(trigger);
            WriteInts(writer, targets);
            foreach (var weight in weights)
            {
                writer.Write(weight);
            }
        }
    }

    public static NGramModel Load(Stream source)
    {
        using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new BinaryReader(gzip, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != Magic)
        {
            throw new InvalidDataException("not a DeepSeek.Dapr n-gram model file");
        }

        var version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"unsupported n-gram model file version {version}");
        }

        var hash = reader.ReadString();
        var order = reader.ReadInt32();
        if (order < 2 || order > NGramKey.MaxTokens)
        {
            throw new InvalidDataException($"invalid model order {order}");
        }

        var vocabulary = ReadInts(reader);
        var discounts = new double[order];
        for (var k = 0; k < order; k++)
        {
            discounts[k] = reader.ReadDouble();
        }

        var unigram = ReadInts(reader);
        var levels = new Dictionary<UInt128, ContextStats>[order];
        levels[0] = [];
        for (var k = 1; k < order; k++)
        {
            var count = reader.ReadInt32();
            var level = new Dictionary<UInt128, ContextStats>(count);
            for (var c = 0; c < count; c++)
            {
                var context = new int[k];
                for (var i = 0; i < k; i++)
                {
                    context[i] = reader.Read7BitEncodedInt();
                }

                var next = ReadInts(reader);
                var counts = new int[next.Length];
                for (var i = 0; i < counts.Length; i++)
                {
                    counts[i] = reader.Read7BitEncodedInt();
                }

                level[NGramKey.Pack(context)] = new ContextStats(context, next, counts);
            }

            levels[k] = level;
        }

        var triggerCount = reader.ReadInt32();
        var triggers = new Dictionary<int, (int[], float[])>(triggerCount);
        for (var t = 0; t < triggerCount; t++)
        {
            var trigger = reader.Read7BitEncodedInt();
            var targets = ReadInts(reader);
            var weights = new float[targets.Length];
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = reader.ReadSingle();
            }

            triggers[trigger] = (targets, weights);
        }

        return new NGramModel(order, vocabulary, discounts, unigram, levels, hash, new TriggerTable(triggers));
    }

    private static void WriteInts(BinaryWriter writer, int[] values)
    {
        writer.Write7BitEncodedInt(values.Length);
        foreach (var value in values)
        {
            writer.Write7BitEncodedInt(value);
        }
    }

    private static int[] ReadInts(BinaryReader reader)
    {
        var values = new int[reader.Read7BitEncodedInt()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = reader.Read7BitEncodedInt();
        }

        return values;
    }
}
