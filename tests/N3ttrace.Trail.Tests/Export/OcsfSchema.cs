using System.Text.Json;

namespace N3ttrace.Core.Tests.Export;

/// <summary>
/// The OCSF schema repository's JSON at one tag (test data, with its licence), compiled as the OCSF server does for
/// what we use: a class's attributes through its `extends` chain and `$include`d profiles, each attribute's type
/// from the dictionary (or the class/object override), object types recursively. Validates an event: no attribute
/// outside the schema (except inside `unmapped`), profile attributes only with the profile declared in
/// metadata.profiles, every required attribute present, at_least_one constraints met, JSON kinds matching types.
/// </summary>
internal sealed class OcsfSchema
{
    private sealed record Attr(string Type, bool IsArray, string Requirement, string? Profile);

    private sealed record Definition(Dictionary<string, Attr> Attributes, List<string[]> AtLeastOne);

    private readonly string _root;
    private readonly Dictionary<string, JsonElement> _dictionary = [];
    private readonly Dictionary<string, string?> _types = [];
    private readonly Dictionary<string, Definition> _objects = [];

    public OcsfSchema(string root)
    {
        _root = root;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "dictionary.json")));
        foreach (var a in doc.RootElement.GetProperty("attributes").EnumerateObject())
        {
            _dictionary[a.Name] = a.Value.Clone();
        }
        foreach (var t in doc.RootElement.GetProperty("types").GetProperty("attributes").EnumerateObject())
        {
            _types[t.Name] = t.Value.TryGetProperty("type", out var b) ? b.GetString() : null;
        }
    }

    public string Version => JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "version.json"))).RootElement.GetProperty("version").GetString()!;

    /// <summary>Problems of one event of the class in file (e.g. "events/network/network_activity.json"); empty when valid.</summary>
    public List<string> Validate(JsonElement evt, string classFile)
    {
        var errors = new List<string>();
        var def = Load(classFile, isObject: false);
        var profiles = evt.TryGetProperty("metadata", out var md) && md.TryGetProperty("profiles", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(x => x.GetString()!).ToHashSet() : [];
        Check(evt, def, "", profiles, errors, top: true);
        return errors;
    }

    private void Check(JsonElement obj, Definition def, string path, HashSet<string> profiles, List<string> errors, bool top = false)
    {
        foreach (var prop in obj.EnumerateObject())
        {
            var at = path + prop.Name;
            if (!def.Attributes.TryGetValue(prop.Name, out var attr))
            {
                errors.Add($"{at}: not an attribute of this class or object");
                continue;
            }
            if (attr.Profile is { } profile && !profiles.Contains(profile))
            {
                errors.Add($"{at}: belongs to profile '{profile}', not declared in metadata.profiles");
            }
            if (top && prop.Name == "unmapped")
            {
                if (prop.Value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{at}: must be an object");
                }
                continue;
            }
            if (attr.IsArray)
            {
                if (prop.Value.ValueKind != JsonValueKind.Array)
                {
                    errors.Add($"{at}: must be an array of {attr.Type}");
                    continue;
                }
                var i = 0;
                foreach (var item in prop.Value.EnumerateArray())
                {
                    CheckValue(item, attr.Type, $"{at}[{i++}]", profiles, errors);
                }
            }
            else
            {
                CheckValue(prop.Value, attr.Type, at, profiles, errors);
            }
        }
        foreach (var (name, attr) in def.Attributes)
        {
            if (attr.Requirement == "required" && !obj.TryGetProperty(name, out _) && (attr.Profile is null || profiles.Contains(attr.Profile)))
            {
                errors.Add($"{path}{name}: required, missing");
            }
        }
        foreach (var group in def.AtLeastOne)
        {
            if (!group.Any(g => obj.TryGetProperty(g, out _)))
            {
                errors.Add($"{path}: needs at least one of {string.Join(", ", group)}");
            }
        }
    }

    private void CheckValue(JsonElement v, string type, string at, HashSet<string> profiles, List<string> errors)
    {
        if (_types.ContainsKey(type))
        {
            var basic = type;
            while (_types.TryGetValue(basic, out var parent) && parent is not null)
            {
                basic = parent;
            }
            var ok = basic switch
            {
                "string_t" => v.ValueKind == JsonValueKind.String,
                "integer_t" => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out _),
                "long_t" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
                "float_t" => v.ValueKind == JsonValueKind.Number,
                "boolean_t" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
                "json_t" => true,
                _ => false,
            };
            if (!ok)
            {
                errors.Add($"{at}: {v.ValueKind} is not a {type}");
            }
            return;
        }
        if (type == "object")
        {
            if (v.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{at}: must be an object");
            }
            return;
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{at}: must be a {type} object");
            return;
        }
        Check(v, Load($"objects/{type}.json", isObject: true), at + ".", profiles, errors);
    }

    /// <summary>A class or object with its extends chain and included profiles merged, parents first.</summary>
    private Definition Load(string file, bool isObject)
    {
        if (_objects.TryGetValue(file, out var cached))
        {
            return cached;
        }
        var path = Path.Combine(_root, file);
        Assert.True(File.Exists(path), $"schema file {file} is not in the test data: commit it from the schema repository at the same tag");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var e = doc.RootElement;
        var attrs = new Dictionary<string, Attr>(StringComparer.Ordinal);
        var atLeastOne = new List<string[]>();
        if (e.TryGetProperty("extends", out var ext) && ext.GetString() is { } parent && parent != "object")
        {
            var parentFile = isObject ? $"objects/{parent}.json" : ClassFile(parent);
            var p = Load(parentFile, isObject);
            foreach (var (k, v) in p.Attributes)
            {
                attrs[k] = v;
            }
            atLeastOne.AddRange(p.AtLeastOne);
        }
        if (e.TryGetProperty("constraints", out var c))
        {
            atLeastOne.Clear(); // a class's or object's own constraints replace the inherited ones, as the OCSF server compiles them
            if (c.TryGetProperty("at_least_one", out var alo))
            {
                atLeastOne.Add([.. alo.EnumerateArray().Select(x => x.GetString()!)]);
            }
        }
        foreach (var a in e.GetProperty("attributes").EnumerateObject())
        {
            if (a.Name == "$include")
            {
                foreach (var inc in a.Value.EnumerateArray())
                {
                    AddProfile(attrs, inc.GetString()!);
                }
                continue;
            }
            attrs[a.Name] = Merge(a.Name, a.Value, attrs.GetValueOrDefault(a.Name), null);
        }
        var def = new Definition(attrs, atLeastOne);
        _objects[file] = def;
        return def;
    }

    private void AddProfile(Dictionary<string, Attr> attrs, string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, file)));
        var name = doc.RootElement.GetProperty("name").GetString()!;
        foreach (var a in doc.RootElement.GetProperty("attributes").EnumerateObject())
        {
            if (a.Name != "$include")
            {
                attrs[a.Name] = Merge(a.Name, a.Value, attrs.GetValueOrDefault(a.Name), name);
            }
        }
    }

    private Attr Merge(string name, JsonElement local, Attr? inherited, string? profile)
    {
        Assert.True(_dictionary.TryGetValue(name, out var dict) || inherited is not null, $"attribute {name} is not in the dictionary");
        var type = local.TryGetProperty("type", out var t) ? t.GetString()! : inherited?.Type ?? dict.GetProperty("type").GetString()!;
        var isArray = local.TryGetProperty("is_array", out var arr) ? arr.GetBoolean()
            : inherited?.IsArray ?? (dict.ValueKind == JsonValueKind.Object && dict.TryGetProperty("is_array", out var da) && da.GetBoolean());
        var requirement = local.TryGetProperty("requirement", out var r) ? r.GetString()! : inherited?.Requirement ?? "optional";
        return new Attr(type, isArray, requirement, profile ?? inherited?.Profile);
    }

    private static string ClassFile(string name) => name switch
    {
        "base_event" => "events/base_event.json",
        _ => $"events/network/{name}.json",
    };
}
