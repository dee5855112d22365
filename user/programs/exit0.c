/*
 * exit0: does nothing and ends with 0 (the process_create_exit benchmark).
 */
int main(void);

int main(void)
{
    return 0;
}
