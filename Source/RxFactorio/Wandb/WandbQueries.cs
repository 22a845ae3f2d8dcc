namespace RxFactorio.Wandb;

/// <summary>GraphQL documents, byte for byte as wandb-core sends them (genqlient output, tabs included).</summary>
internal static class WandbQueries
{
    public const string UpsertBucket =
        "\nmutation UpsertBucket ($id: String, $name: String, $project: String, $entity: String, $groupName: String, $description: String, $displayName: String, $notes: String, $commit: String, $config: JSONString, $host: String, $debug: Boolean, $program: String, $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!], $summaryMetrics: JSONString) {\n"
        + "\tupsertBucket(input: {id:$id,name:$name,groupName:$groupName,modelName:$project,entityName:$entity,description:$description,displayName:$displayName,notes:$notes,config:$config,commit:$commit,host:$host,debug:$debug,jobProgram:$program,jobRepo:$repo,jobType:$jobType,state:$state,sweep:$sweep,tags:$tags,summaryMetrics:$summaryMetrics}) {\n"
        + "\t\tbucket {\n"
        + "\t\t\tid\n"
        + "\t\t\tname\n"
        + "\t\t\tdisplayName\n"
        + "\t\t\tdescription\n"
        + "\t\t\tconfig\n"
        + "\t\t\tsweepName\n"
        + "\t\t\tproject {\n"
        + "\t\t\t\tid\n"
        + "\t\t\t\tname\n"
        + "\t\t\t\tentity {\n"
        + "\t\t\t\t\tid\n"
        + "\t\t\t\t\tname\n"
        + "\t\t\t\t}\n"
        + "\t\t\t}\n"
        + "\t\t\thistoryLineCount\n"
        + "\t\t}\n"
        + "\t\tinserted\n"
        + "\t}\n"
        + "}\n";

    /// <summary>core/internal/gql/gql_gen.go CreateRunFiles_Operation.</summary>
    public const string CreateRunFiles =
        "\nmutation CreateRunFiles ($entity: String!, $project: String!, $run: String!, $files: [String!]!) {\n"
        + "\tcreateRunFiles(input: {entityName:$entity,projectName:$project,runName:$run,files:$files}) {\n"
        + "\t\trunID\n"
        + "\t\tuploadHeaders\n"
        + "\t\tfiles {\n"
        + "\t\t\tname\n"
        + "\t\t\tuploadUrl\n"
        + "\t\t}\n"
        + "\t}\n"
        + "}\n";

    public const string Viewer = "\nquery Viewer { viewer { id entity username email flags teams { edges { node { name } } } } }\n";
}
