using N3ttrace.Lineage;

namespace N3ttrace.Core.Tests.Lineage;

public class ProcessIdentityTests
{
    [Fact]
    public void Process_id_follows_the_documented_recipe()
    {
        // printf 'n3ttrace:process:v1:BOOT:4242:987654' | sha256sum | cut -c1-32
        var id = new ProcessIdentity("7c1a1a0e-0000-4000-8000-000000000000").ProcessId(new ProcessKey(4242, 987654));
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.ASCII.GetBytes("n3ttrace:process:v1:7c1a1a0e-0000-4000-8000-000000000000:4242:987654")))[..32];
        Assert.Equal(expected, id);
    }

    [Fact]
    public void Pid_reuse_gives_a_different_identity()
    {
        var ident = new ProcessIdentity("b");
        Assert.NotEqual(ident.ProcessId(new ProcessKey(100, 1)), ident.ProcessId(new ProcessKey(100, 2)));
        Assert.NotEqual(new ProcessIdentity("a").ProcessId(new ProcessKey(100, 1)), ident.ProcessId(new ProcessKey(100, 1)));
    }

    [Fact]
    public void Ancestry_chains_through_parents_and_distinguishes_unknown_from_init()
    {
        var a = ProcessIdentity.AncestryId("p", ProcessIdentity.InitAncestry);
        Assert.NotEqual(a, ProcessIdentity.AncestryId("p", ProcessIdentity.UnknownAncestry));
        Assert.NotEqual(ProcessIdentity.AncestryId("c", a), ProcessIdentity.AncestryId("c", ProcessIdentity.AncestryId("q", ProcessIdentity.InitAncestry)));
    }
}
