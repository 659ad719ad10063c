using N3ttrace.Connections;

namespace N3ttrace.Core.Tests.Flows;

/// <summary>[flows] Container ids from cgroup v2 paths as each runtime lays them out (paths as seen on real hosts).</summary>
public class ContainerRefTests
{
    private const string Id = "3f4a9c2b7d1e8f60a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2";
    private const string Pod = "0b8c7f5e-2a1d-4c3b-9e8f-7a6b5c4d3e2f";
    private const string PodUnderscored = "0b8c7f5e_2a1d_4c3b_9e8f_7a6b5c4d3e2f";

    [Theory]
    // docker, cgroupfs driver and systemd driver
    [InlineData("/docker/" + Id, "docker", "")]
    [InlineData("/system.slice/docker-" + Id + ".scope", "docker", "")]
    // containerd: nerdctl/ctr (namespace dirs), CRI under the systemd driver
    [InlineData("/default/" + Id, "containerd", "")]
    [InlineData("/k8s.io/" + Id, "containerd", "")]
    [InlineData("/system.slice/nerdctl-" + Id + ".scope", "containerd", "")]
    [InlineData("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + PodUnderscored + ".slice/cri-containerd-" + Id + ".scope", "containerd", Pod)]
    // cri-o (the conmon scope beside it is not the container)
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + PodUnderscored + ".slice/crio-" + Id + ".scope", "cri-o", Pod)]
    [InlineData("/kubepods.slice/kubepods-pod" + PodUnderscored + ".slice/crio-" + Id + ".scope", "cri-o", Pod)]
    // podman: rootful, rootless (under the user's manager), its inner container cgroup, the cgroupfs driver
    [InlineData("/machine.slice/libpod-" + Id + ".scope", "podman", "")]
    [InlineData("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + Id + ".scope", "podman", "")]
    [InlineData("/machine.slice/libpod-" + Id + ".scope/container", "podman", "")]
    [InlineData("/libpod_parent/libpod-" + Id, "podman", "")]
    // kubelet's cgroupfs driver: the runtime is not in the path
    [InlineData("/kubepods/burstable/pod" + Pod + "/" + Id, "kubepods", Pod)]
    [InlineData("/kubepods/pod" + Pod + "/" + Id, "kubepods", Pod)]
    public void A_runtime_layout_names_its_container(string path, string runtime, string pod)
    {
        var c = ContainerRef.Parse(path);
        Assert.NotNull(c);
        Assert.Equal(runtime, c.Runtime);
        Assert.Equal(Id, c.Id);
        Assert.Equal(pod, c.PodUid);
        Assert.Equal(c, ContainerRef.FromText(c.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/user.slice/user-1000.slice/session-3.scope")]
    [InlineData("/system.slice/docker.service")]
    [InlineData("/system.slice/containerd.service")]
    // the monitors beside a container are host processes
    [InlineData("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + PodUnderscored + ".slice/crio-conmon-" + Id + ".scope")]
    [InlineData("/machine.slice/libpod-conmon-" + Id + ".scope")]
    // an id-like directory under a parent no runtime uses, a short id, upper case
    [InlineData("/mine/" + Id)]
    [InlineData("/docker/3f4a9c2b7d1e")]
    [InlineData("/docker/3F4A9C2B7D1E8F60A5B4C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D4E3F2")]
    public void Other_paths_name_no_container(string path) => Assert.Null(ContainerRef.Parse(path));

    [Fact]
    public void The_column_text_is_runtime_id_and_pod()
    {
        Assert.Equal($"docker:{Id}", ContainerRef.Parse("/docker/" + Id)!.ToString());
        Assert.Equal($"kubepods:{Id};pod={Pod}", ContainerRef.Parse($"/kubepods/besteffort/pod{Pod}/{Id}")!.ToString());
        Assert.Null(ContainerRef.FromText(""));
        Assert.Null(ContainerRef.FromText("nocolon"));
    }
}
