using N3ttrace.Inference;

namespace N3ttrace.Core.Tests.Inference;

public class PurposeTests
{
    private static PurposeGuess Classify(Subject s) => new PurposeClassifier().Classify(s);

    [Fact]
    public void Apt_method_under_apt_get_in_an_updater_unit_is_an_update_check()
    {
        var apt = Make.Node(Make.Ctx("/usr/bin/apt-get", ["apt-get", "update"], cgroup: "/system.slice/apt-daily.service"));
        var method = Make.Node(Make.Ctx("/usr/lib/apt/methods/http", ["http"], cgroup: "/system.slice/apt-daily.service"), apt);
        var p = Classify(Make.Subject(Make.Conn(method)));
        Assert.Equal(PurposeGuess.UpdateCheck, p.Purpose);
        Assert.Equal(0.95, p.Confidence);
        Assert.Contains("ancestor apt-get", p.Evidence);
    }

    [Fact]
    public void Terminal_and_login_make_a_user_action()
    {
        var p = Classify(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/curl", ["curl"], tty: "pts/2", loginUid: 1000)))));
        Assert.Equal(PurposeGuess.UserAction, p.Purpose);
        Assert.Contains("loginuid 1000", p.Evidence);
    }

    [Fact]
    public void Service_cgroup_is_a_background_service_and_periodic_service_traffic_is_telemetry()
    {
        var node = Make.Node(Make.Ctx("/usr/bin/python3.11", ["python3", "worker.py"], cgroup: "/system.slice/pool.service"));
        var s = Make.Subject(Make.Conn(node));
        Assert.Equal(PurposeGuess.BackgroundService, Classify(s).Purpose);
        s.Beacon = new BeaconObservation(12, 30, 0.9, 0.95, 1);
        Assert.Equal(PurposeGuess.Telemetry, Classify(s).Purpose);
    }

    [Fact]
    public void Known_agent_is_telemetry_no_terminal_and_no_login_is_a_background_service_and_no_context_is_unknown()
    {
        Assert.Equal(PurposeGuess.Telemetry, Classify(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/telegraf", ["telegraf"]))))).Purpose);
        // [judgement] no terminal and no login is evidence (nobody at a keyboard): a background service, with low confidence.
        var p = Classify(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/opt/x/x", ["x"])))));
        Assert.Equal(PurposeGuess.BackgroundService, p.Purpose);
        Assert.Equal(0.4, p.Confidence);
        Assert.Contains("no login, no tty", p.Evidence);
        // A login without a terminal (ssh host command) is a user's action.
        Assert.Equal(PurposeGuess.UserAction, Classify(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/git", ["git", "fetch"], loginUid: 1000))))).Purpose);
        // Only a process whose context could not be read is unknown.
        var none = Classify(Make.Subject(Make.Conn(Make.Node(Make.Ctx("", ["?"])))));
        Assert.Equal(PurposeGuess.Unknown, none.Purpose);
        Assert.Equal(0, none.Confidence);
    }

    [Fact]
    public void Cron_ancestry_is_a_background_service()
    {
        var cron = Make.Node(Make.Ctx("/usr/sbin/cron", ["/usr/sbin/cron", "-f"]));
        var sh = Make.Node(Make.Ctx("/usr/bin/dash", ["/bin/sh", "-c", "backup"]), cron);
        var p = Classify(Make.Subject(Make.Conn(Make.Node(Make.Ctx("/usr/bin/rsync", ["rsync"]), sh))));
        Assert.Equal(PurposeGuess.BackgroundService, p.Purpose);
        Assert.Contains("scheduled by cron", p.Evidence);
    }
}
