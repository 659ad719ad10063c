using System.Text.Json;
using N3ttrace.Trail.Export;

namespace N3ttrace.Core.Tests.Export;

public class OcsfNetworkActivityTests
{
    private static JsonElement Ocsf(string evt, string level = "ANOMALY", DateTime? bootUtc = null)
    {
        var (e, b) = TrailText.Pair(evt, level);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            OcsfNetworkActivity.Write(w, e, b, "9.9.9", bootUtc);
        }
        return JsonDocument.Parse(ms.ToArray()).RootElement.Clone();
    }

    [Theory]
    [InlineData("birth", 1)]
    [InlineData("death", 2)]
    [InlineData("fail", 4)]
    [InlineData("level", 99)]
    public void Maps_events_to_activities_and_type_uid(string evt, int activity)
    {
        var o = Ocsf(evt);
        Assert.Equal(activity, o.GetProperty("activity_id").GetInt32());
        Assert.Equal(4001, o.GetProperty("class_uid").GetInt32());
        Assert.Equal(4, o.GetProperty("category_uid").GetInt32());
        Assert.Equal(4001 * 100 + activity, o.GetProperty("type_uid").GetInt64());
    }

    [Fact]
    public void Has_the_required_base_fields_and_product_metadata()
    {
        var o = Ocsf("birth");
        foreach (var field in (string[])["activity_id", "category_uid", "class_uid", "type_uid", "time", "severity_id", "metadata"])
        {
            Assert.True(o.TryGetProperty(field, out _), field);
        }
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 1, 0, 1, 500, TimeSpan.Zero).ToUnixTimeMilliseconds(), o.GetProperty("time").GetInt64());
        Assert.Equal(3, o.GetProperty("severity_id").GetInt32());
        var md = o.GetProperty("metadata");
        Assert.Equal("1.4.0", md.GetProperty("version").GetString());
        Assert.Equal(["host"], md.GetProperty("profiles").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("n3ttrace", md.GetProperty("product").GetProperty("name").GetString());
        Assert.Equal("n3ttrace", md.GetProperty("product").GetProperty("vendor_name").GetString());
        Assert.Equal("9.9.9", md.GetProperty("product").GetProperty("version").GetString());
    }

    [Fact]
    public void Destination_is_only_mask_hash_port_and_scope()
    {
        var o = Ocsf("birth");
        var dst = o.GetProperty("dst_endpoint");
        // OCSF's name is a host name, not a CIDR: the mask stays under unmapped.remote_masked.
        Assert.Equal(["port", "uid", "zone"], dst.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("00112233445566778899aabbccddeeff", dst.GetProperty("uid").GetString());
        Assert.Equal("203.0.113.0/24", o.GetProperty("unmapped").GetProperty("remote_masked").GetString());
        var ci = o.GetProperty("connection_info");
        Assert.Equal(2, ci.GetProperty("direction_id").GetInt32());
        Assert.Equal("tcp", ci.GetProperty("protocol_name").GetString());
        Assert.Equal(3, ci.GetProperty("boundary_id").GetInt32());
    }

    [Fact]
    public void Actor_process_carries_the_birth_certificate()
    {
        var boot = new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc);
        var p = Ocsf("death", bootUtc: boot).GetProperty("actor").GetProperty("process");
        Assert.Equal(4242, p.GetProperty("pid").GetInt32());
        Assert.Equal("curl", p.GetProperty("name").GetString());
        Assert.Equal(@"curl -d a\tb https://x", p.GetProperty("cmd_line").GetString());
        Assert.Equal("/home/a", p.GetProperty("working_directory").GetString());
        Assert.Equal("/usr/bin/curl", p.GetProperty("file").GetProperty("path").GetString());
        Assert.Equal("1000", p.GetProperty("user").GetProperty("uid").GetString());
        Assert.Equal(4000, p.GetProperty("parent_process").GetProperty("pid").GetInt32());
        Assert.Equal("bash", p.GetProperty("parent_process").GetProperty("name").GetString());
        // 500 ticks of 10 ms after boot.
        Assert.Equal(new DateTimeOffset(boot).ToUnixTimeMilliseconds() + 5000, p.GetProperty("created_time").GetInt64());
        Assert.Equal([4000, 3000, 1], p.GetProperty("ancestry").EnumerateArray().Select(a => a.GetProperty("pid").GetInt32()));
    }

    [Fact]
    public void Created_time_is_left_out_for_records_from_before_this_boot()
    {
        var p = Ocsf("birth", bootUtc: new DateTime(2026, 11, 28, 2, 0, 0, DateTimeKind.Utc)).GetProperty("actor").GetProperty("process");
        Assert.False(p.TryGetProperty("created_time", out _));
    }

    [Fact]
    public void N3ttrace_fields_go_under_unmapped()
    {
        var u = Ocsf("birth").GetProperty("unmapped");
        Assert.Equal("p1", u.GetProperty("process_id").GetString());
        Assert.Equal("a1", u.GetProperty("ancestry_id").GetString());
        Assert.Equal("web", u.GetProperty("purpose").GetString());
        Assert.Equal("ANOMALY", u.GetProperty("level").GetString());
        Assert.Equal(40, u.GetProperty("score").GetInt32());
        Assert.Equal(["rare parent", "new destination"], u.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void Flat_json_puts_the_event_first_then_the_birth_columns_it_lacks()
    {
        var (e, b) = TrailText.Pair("death");
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            FlatRecordJson.Write(w, e.Columns(), b.Columns());
        }
        var o = JsonDocument.Parse(ms.ToArray()).RootElement;
        Assert.Equal("2026-11-28T01:00:01.500001Z", o.GetProperty("ts").GetString());
        Assert.Equal("death", o.GetProperty("event").GetString());
        Assert.Equal(1.5, o.GetProperty("duration_s").GetDouble());
        Assert.Equal(4242, o.GetProperty("pid").GetInt32());
        Assert.Equal("/usr/bin/curl", o.GetProperty("exe").GetString());
        Assert.Equal(1, o.EnumerateObject().Count(p => p.Name == "ts"));
    }

    [Fact]
    public void Reader_goes_by_column_name_and_skips_an_unfinished_last_line()
    {
        var text = "extra\tts\tconn_id\nX\t2026-11-28T01:00:00.000000Z\tc1\nY\t2026-11-28T01:00:01.000000Z\tc2\nZ\t2026-";
        var rows = TrailText.Read(text);
        Assert.Equal(["c1", "c2"], rows.Select(r => r["conn_id"]));
        Assert.Equal("", rows[0]["no_such_column"]);
    }

    [Fact]
    public void Ancestry_column_is_parsed_nearest_first()
    {
        var a = OcsfNetworkActivity.Ancestry("10:a b[5] <- 9:sh[4] <- ...");
        Assert.Equal([10, 9, null], a.Select(e => e.Pid));
        Assert.Equal("a b", a[0].Name);
        Assert.Equal(5UL, a[0].StartTicks);
    }

    [Fact]
    public void Progress_bar_renders_and_stays_silent_when_disabled()
    {
        Assert.Equal("\rx [###############...............]  50%  1.0/2.0 MiB\x1b[K", ProgressBar.Render("x", 1 << 20, 2 << 20));
        var sw = new StringWriter();
        using (var bar = new ProgressBar("x", sw, enabled: false, TimeSpan.Zero))
        {
            bar.Report(1, 2);
        }
        Assert.Equal("", sw.ToString());
        sw = new StringWriter();
        using (var bar = new ProgressBar("x", sw, enabled: true, TimeSpan.Zero))
        {
            bar.Report(1, 2);
        }
        Assert.EndsWith("\r\x1b[K", sw.ToString(), StringComparison.Ordinal);
        Assert.Contains("50%", sw.ToString(), StringComparison.Ordinal);
    }
}
