/* Does nothing: the baseline a workload's cost is measured against (start-up and exit alone). */
int main(void) { return 0; }
