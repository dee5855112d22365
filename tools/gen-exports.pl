#!/usr/bin/perl
# Writes the kernel's export table (C) on stdout: one {name, address} entry,
# sorted by name, for every routine and variable that the driver API
# declares with NTKERNELAPI or NTSYSAPI. The driver API is the header named
# on the command line (include/ntddk.h) and the <nt/...> headers it
# includes; user-mode headers (ntdll.h, windows.h) are not part of it.
#
# The forms understood, after comments, preprocessor lines and
# __attribute__((...)) are removed:
#   NTKERNELAPI T NTAPI Name(...);          a routine (also FASTCALL, none)
#   extern NTKERNELAPI T *Name;             a variable (also Name[...])
#   extern NTKERNELAPI T (NTAPI *Name)(...); a routine pointer variable
# Anything else after the keyword stops the build with its place.
#
# A routine's IRQL rule is read from the annotations before the keyword:
# _IRQL_requires_max_(L), _IRQL_requires_min_(L) and _IRQL_requires_(L)
# (both). Each entry is {name, address, max, min, routine}; 0xFF and 0 when
# the routine has no rule (the verifier reads them).
#
#   perl tools/gen-exports.pl include/ntddk.h > build/gen/exports.c
use strict;
use warnings;

die "usage: gen-exports.pl include/ntddk.h\n" unless @ARGV == 1;
my $top = $ARGV[0];
(my $dir = $top) =~ s{[^/]*$}{};

sub slurp {
    my ($path) = @_;
    open(my $f, '<', $path) or die "gen-exports: $path: $!\n";
    local $/;
    my $text = <$f>;
    close $f;
    return $text;
}

# The header and the <nt/...> headers it includes, in order.
my @headers = ($top);
for my $line (split /\n/, slurp($top)) {
    push @headers, "$dir$1" if $line =~ /^\s*#\s*include\s*<(nt\/[\w.]+)>/;
}

my %exports;
for my $path (@headers) {
    my $text = slurp($path);
    $text =~ s{/\*.*?\*/}{ }gs;
    $text =~ s{//[^\n]*}{}g;
    $text =~ s{\\\n}{ }g;
    $text =~ s{^\s*#[^\n]*}{}gm;
    $text =~ s{__attribute__\s*(\((?:[^()]++|(?1))*\))}{ }g;
    while ($text =~ /([^;{}]*?)\b(?:NTKERNELAPI|NTSYSAPI)\b([^;{]*)/g) {
        my ($before, $decl) = ($1, $2);
        my ($name, $routine) = (undef, 0);
        if ($decl =~ /^[^(]*\(\s*(?:NTAPI\s+|FASTCALL\s+)?\*\s*(\w+)\s*\)\s*\(/) {
            $name = $1;
        } elsif ($decl =~ /^([^(]*?)(\w+)\s*\(/) {
            ($name, $routine) = ($2, 1);
        } elsif ($decl =~ /(\w+)\s*(?:\[[^\]]*\]\s*)?$/) {
            $name = $1;
        }
        die "gen-exports: $path: cannot read the declaration"
          . " 'NTKERNELAPI$decl'\n"
          unless defined $name && $name !~ /^(?:NTAPI|FASTCALL|VOID)$/;
        my ($max, $min) = ('0xFF', '0');
        $max = $min = $1 if $before =~ /\b_IRQL_requires_\(\s*(\w+)\s*\)/;
        $max = $1 if $before =~ /\b_IRQL_requires_max_\(\s*(\w+)\s*\)/;
        $min = $1 if $before =~ /\b_IRQL_requires_min_\(\s*(\w+)\s*\)/;
        die "gen-exports: $path: an IRQL rule on $name, which is no routine\n"
          if !$routine && ($max ne '0xFF' || $min ne '0');
        $exports{$name} = "$max, $min, $routine";
    }
}
die "gen-exports: no exports found in $top\n" unless %exports;

print <<'EOF';
/*
 * The kernel's export table: what a driver's imports bind to. Generated
 * from the driver API headers by tools/gen-exports.pl; do not edit.
 */
#include <ntddk.h>

#include "kernel/mm/mm.h"

const mm_export mm_exports[] = {
EOF
for my $name (sort keys %exports) {
    print "    {\"$name\", (PVOID)&$name, $exports{$name}},\n";
}
print "};\n\nconst ULONG mm_export_count = ARRAYSIZE(mm_exports);\n";
