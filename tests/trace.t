#!/usr/bin/perl
# --trace as a user meets it: the file is a Chrome trace (JSON) whose
# events tell the story of a known run in order, the same seed writes the
# same file byte for byte, a scenario's boots are joined in one file, and
# an unwritable path is one line with exit status 2. TAP output; run by
# prove from make check.
use strict;
use warnings;
use File::Temp qw(tempdir);
use JSON::PP;

my $ntlab = $ENV{NTLAB} // 'build/ntlab';
(my $progs = $ntlab) =~ s{[^/]+$}{user};
my $tmp = tempdir(CLEANUP => 1);
my $n = 0;

sub ok {
    my ($cond, $name, $detail) = @_;
    $n++;
    print(($cond ? 'ok' : 'not ok') . " $n - $name\n");
    print map { "#   $_\n" } split /\n/, $detail if !$cond && defined $detail;
    return $cond;
}

# run(ARGS): ntlab's exit status, stdout and stderr.
sub run {
    my @args = @_;
    my $pid = fork() // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>', "$tmp/out" or die;
        open STDERR, '>', "$tmp/err" or die;
        exec $ntlab, @args or exit 127;
    }
    waitpid $pid, 0;
    local $/;
    open my $o, '<', "$tmp/out" or die;
    open my $e, '<', "$tmp/err" or die;
    return ($? >> 8, scalar <$o>, scalar <$e>);
}

sub slurp { local $/; open my $f, '<', $_[0] or return ''; return <$f> }

# The events in time order (the file order among equal times).
sub events {
    my ($file) = @_;
    my $doc = eval { decode_json(slurp($file)) };
    return (undef, $@) if !$doc;
    my @e = @{ $doc->{traceEvents} };
    my $i = 0;
    $_->{seq} = $i++ for @e;
    return ([sort { $a->{ts} <=> $b->{ts} || $a->{seq} <=> $b->{seq} } @e]);
}

# The first event at or after index from that matches; its index or -1.
sub find_from {
    my ($events, $from, $test) = @_;
    for my $i ($from .. $#$events) {
        local $_ = $events->[$i];
        return $i if $test->();
    }
    return -1;
}

# ---- A known run: timerdpc.exe sets a periodic timer and sleeps ----------
my @boot = ('--driver', "$progs/timerdpc.sys", 'run', 'timerdpc.exe', 'wait');
my ($status, $out, $err) = run('--trace', "$tmp/a.json", @boot);
ok($status == 0, 'a traced run ends as an untraced one', "status $status\n$err");
ok($out =~ /timerdpc: timer DPC, tick 3: process Idle/,
   'the traced run does what it does untraced');
my ($ev, $why) = events("$tmp/a.json");
ok(defined $ev, 'the trace is valid JSON with a traceEvents array', $why);
$ev //= [];

my %name;    # "pid/tid" => track name, from the metadata
for (@$ev) {
    next unless $_->{ph} eq 'M';
    $name{"$_->{pid}/$_->{tid}"} = $_->{args}{name}
        if $_->{name} eq 'thread_name';
    $name{"$_->{pid}"} = $_->{args}{name} if $_->{name} eq 'process_name';
}
my ($cpu) = grep { $name{$_} eq 'CPU 0' } grep { !m{/} } keys %name;
ok(defined $cpu, 'a CPU 0 track is named');
$cpu //= -1;
my ($app) = grep { $name{$_} =~ /^timerdpc\.exe \(PID \d+\)$/ } keys %name;
ok(defined $app, "the program's process is named with its PID");
$app //= -1;

# The CPU's track: B and E alternate, each B names a thread.
my @cpu = grep { $_->{pid} == $cpu && $_->{ph} =~ /^[BE]$/ } @$ev;
my ($open, $nesting_ok) = (0, 1);
for (@cpu) {
    $open += $_->{ph} eq 'B' ? 1 : -1;
    $nesting_ok = 0 if $open < 0 || $open > 1;
}
ok(@cpu > 10 && $nesting_ok,
   'the CPU track has one running thread at a time (B, E, B, ...)');
ok(scalar(grep { $_->{ph} eq 'B' && $_->{name} =~ /^timerdpc\.exe TID \d+$/ &&
                 $_->{args}{process} eq 'timerdpc.exe' } @cpu),
   'the program\'s thread runs on the CPU, named by process and TID');

# The story, in order.
my $i = find_from($ev, 0, sub {
    $_->{name} eq 'IRP_MJ_CREATE' && $_->{pid} == $app &&
    $_->{args}{device} eq '\\Device\\TimerDpc' });
ok($i >= 0, "IRP_MJ_CREATE of \\Device\\TimerDpc, on the program's thread");
my $app_tid = $i >= 0 ? $ev->[$i]{tid} : -1;
$i = find_from($ev, $i < 0 ? 0 : $i, sub {
    $_->{name} eq 'IRP_MJ_DEVICE_CONTROL' && $_->{pid} == $app &&
    $_->{ph} eq 'X' && $_->{args}{returned} eq '0x00000000' });
ok($i >= 0, 'then IRP_MJ_DEVICE_CONTROL (start the timer), returning success');
my $ioctl = $i;
$i = find_from($ev, $i < 0 ? 0 : $i, sub {
    $_->{name} eq 'IoCompleteRequest' && $_->{args}{major} eq
    'IRP_MJ_DEVICE_CONTROL' && $_->{pid} == $app });
ok($i >= 0, "its IoCompleteRequest, on the program's thread");
my $sleep = find_from($ev, $ioctl < 0 ? 0 : $ioctl, sub {
    $_->{name} eq 'KeDelayExecutionThread' && $_->{pid} == $app });
ok($sleep >= 0, 'then the program sleeps (KeDelayExecutionThread)');
my $sleep_end = $sleep >= 0
    ? $ev->[$sleep]{ts} + $ev->[$sleep]{dur} : 0;
my @dpcs = grep { $_->{name} eq 'timer DPC' } @$ev;
ok(@dpcs == 3 &&
   !grep({ $_->{args}{routine} ne 'timerdpc.sys!timer_dpc' ||
           $_->{pid} != $cpu } @dpcs),
   'three timer DPCs of timerdpc.sys!timer_dpc on the CPU track',
   join("\n", map { encode_json($_) } @dpcs));
ok($sleep >= 0 && !grep({ $_->{ts} < $ev->[$sleep]{ts} ||
                          $_->{ts} > $sleep_end } @dpcs),
   'the DPCs run while the program sleeps');
# Each DPC runs inside a slice of the idle thread (nobody else is ready).
my $in_idle = 0;
for my $d (@dpcs) {
    my $running;
    for (@cpu) {
        last if $_->{ts} > $d->{ts};
        $running = $_->{ph} eq 'B' ? $_->{name} : undef;
    }
    $in_idle++ if defined $running && $running eq 'Idle TID 0';
}
ok($in_idle == 3, 'each DPC finds the idle thread running');
my $expiry = find_from($ev, 0, sub { $_->{name} eq 'timer expired' });
ok($expiry >= 0 && @dpcs && $ev->[$expiry]{ts} <= $dpcs[0]{ts},
   'a timer expiry comes before the first DPC');
my @irql = grep { $_->{name} eq 'IRQL' && $_->{ph} eq 'C' } @$ev;
my $at_dpc = 0;
if (@dpcs) {
    for (@irql) { last if $_->{ts} > $dpcs[0]{ts}; $at_dpc = $_->{args}{IRQL} }
}
ok($at_dpc == 2, 'the IRQL counter shows DISPATCH_LEVEL at the DPC');
ok(scalar(grep { $_->{args}{IRQL} == 0 } @irql) &&
   scalar(grep { $_->{args}{IRQL} == 1 } @irql),
   'the IRQL counter shows PASSIVE_LEVEL and APC_LEVEL too');
my $woken = find_from($ev, $sleep < 0 ? 0 : $sleep, sub {
    $_->{name} eq 'wait satisfied' && $_->{pid} == $app &&
    $_->{tid} == $app_tid });
ok($woken >= 0 && $ev->[$woken]{ts} > $ev->[$sleep]{ts} &&
   $ev->[$woken]{ts} <= $sleep_end + 0.05,
   "the sleep's end is marked on the program's thread, before it runs");
ok(find_from($ev, $woken < 0 ? 0 : $woken, sub {
       $_->{name} eq 'IRP_MJ_CLOSE' && $_->{pid} == $app }) >= 0,
   'then the program closes the device (IRP_MJ_CLOSE)');
my @faults = grep { $_->{name} eq 'page fault' && $_->{ph} eq 'X' } @$ev;
ok(@faults > 0 && !grep({ $_->{args}{address} !~ /^[0-9A-F]{8}$/ } @faults),
   'page faults carry their guest address');
my $zero = find_from($ev, 0, sub { $_->{name} eq 'demand-zero page' });
ok($zero >= 0 && grep({ $_->{ts} <= $ev->[$zero]{ts} &&
                        $_->{ts} + $_->{dur} >= $ev->[$zero]{ts} &&
                        $_->{tid} == $ev->[$zero]{tid} } @faults),
   'a demand-zero page-in happens inside a page fault of its thread');

# ---- Determinism -----------------------------------------------------------
run('--trace', "$tmp/b.json", @boot);
ok(slurp("$tmp/a.json") eq slurp("$tmp/b.json"),
   'the same seed writes the same file, byte for byte');
run('--seed', '7', '--trace', "$tmp/c.json", @boot);
ok(slurp("$tmp/a.json") ne slurp("$tmp/c.json"),
   'another seed writes another timeline');

# ---- A scenario: its boots in one file --------------------------------------
($status, $out, $err) = run('--quiet', '--trace', "$tmp/s.json", 'run',
                            'timerdpc');
ok($status == 0, 'a scenario runs with --trace', "status $status\n$out$err");
($ev, $why) = events("$tmp/s.json");
ok(defined $ev, "the scenario's trace is valid JSON", $why);
$ev //= [];
my %procs = map { $_->{args}{name} => $_->{pid} }
            grep { $_->{name} eq 'process_name' } @$ev;
ok(exists $procs{'timerdpc boot 1: CPU 0'} &&
   exists $procs{'timerdpc boot 2: CPU 0'} &&
   $procs{'timerdpc boot 1: CPU 0'} != $procs{'timerdpc boot 2: CPU 0'},
   'each boot has its own tracks, named by scenario and boot',
   join("\n", sort keys %procs));
ok(!glob("$tmp/s.json.*"), 'no fragment is left behind');

# ---- Bad input ---------------------------------------------------------------
for my $case (["$tmp/no/such/dir/t.json", 'run', 'hello.exe'],
              ["$tmp/no/such/dir/t.json", 'run', 'timerdpc'],
              ['', 'run', 'hello.exe']) {
    my ($file, @cmd) = @$case;
    ($status, $out, $err) = run('--trace', $file, @cmd);
    my @lines = split /\n/, $err;
    ok($status == 2 && @lines == 1 && $lines[0] =~ /^ntlab: --trace: / &&
       $out eq '', "an unwritable --trace '$file' for '@cmd' is one line, status 2",
       "status $status\n$out$err");
}
print "1..$n\n";
