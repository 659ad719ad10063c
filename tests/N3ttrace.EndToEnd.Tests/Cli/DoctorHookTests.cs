using N3ttrace.EndToEnd.Tests.Export;

namespace N3ttrace.EndToEnd.Tests.Cli;

/// <summary>[flows] doctor says, hook by hook, what attaches on the running kernel: the tracepoints run uses and each cgroup program.</summary>
public class DoctorHookTests
{
    [BpfFact]
    public void Doctor_lists_every_hook_run_attaches_and_whether_it_attached()
    {
        var doctor = CliProcess.Run(Repo.Cli, ["doctor"], Path.GetTempPath());
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        foreach (var hook in (string[])["tp_btf/inet_sock_set_state", "tp_btf/sched_process_fork", "tp_btf/sched_process_exec", "tp_btf/sched_process_exit",
            "tp_btf/sock_send_length", "raw_tp/inet_sock_set_state",
            "cgroup/sendmsg4", "cgroup/sendmsg6", "cgroup/recvmsg4", "cgroup/recvmsg6", "cgroup/sock_release"])
        {
            // This kernel (6.18, root) attaches every one of them: a "no" here is a regression of the kernel side.
            Assert.Matches($@"(?m)^hook {System.Text.RegularExpressions.Regex.Escape(hook)}\s+yes\s", doctor.Stdout);
        }
    }
}
