namespace N3ttrace.EndToEnd.Tests.Corpora;

/// <summary>
/// An nginx-like server compiled in the test: a master that forks two workers, each renaming itself with
/// prctl(PR_SET_NAME) and rewriting its argv area ("edge: worker process"), holding upstream connections.
/// </summary>
internal static class EdgeServer
{
    public const string Source = """
        #include <arpa/inet.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/prctl.h>
        #include <sys/wait.h>
        #include <unistd.h>
        static char *area;
        static size_t area_len;
        static void title(const char *t) { memset(area, 0, area_len); strncpy(area, t, area_len - 1); prctl(PR_SET_NAME, "edge", 0, 0, 0); }
        static int upstream(int port) {
            int s = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a = {0};
            a.sin_family = AF_INET;
            a.sin_port = htons(port);
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) { close(s); return -1; }
            return s;
        }
        int main(int argc, char **argv) {
            if (argc < 4) return 2;
            int port = atoi(argv[1]), secs = atoi(argv[2]);
            area = argv[0];
            area_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) - argv[0]);
            title("edge: master process");
            for (int w = 0; w < 2; w++) {
                if (fork() == 0) {
                    title("edge: worker process");
                    for (int round = 0; round < 2; round++) {
                        int s = upstream(port);
                        sleep(secs / 2);
                        if (s >= 0) close(s);
                    }
                    _exit(0);
                }
            }
            while (wait(0) > 0) {}
            return 0;
        }
        """;
}
