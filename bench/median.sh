# Sourced by the benchmark scripts. median: the median of the numbers on
# stdin, separated by spaces or newlines.
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
